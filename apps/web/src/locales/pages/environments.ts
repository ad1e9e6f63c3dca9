// Strings of the environments page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '环境',
};

const en: typeof zhCN = {
  title: 'Environments',
};

export default { 'zh-CN': zhCN, en };
