// Strings of the hook templates page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '钩子模板',
};

const en: typeof zhCN = {
  title: 'Hook templates',
};

export default { 'zh-CN': zhCN, en };
