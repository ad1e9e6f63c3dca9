// Strings of the release queue page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '发布队列',
};

const en: typeof zhCN = {
  title: 'Release queue',
};

export default { 'zh-CN': zhCN, en };
