// Strings of the groups page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '分组',
};

const en: typeof zhCN = {
  title: 'Groups',
};

export default { 'zh-CN': zhCN, en };
