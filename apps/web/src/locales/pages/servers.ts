// Strings of the servers page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '服务器',
};

const en: typeof zhCN = {
  title: 'Servers',
};

export default { 'zh-CN': zhCN, en };
