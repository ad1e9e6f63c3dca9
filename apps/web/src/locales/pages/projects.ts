// Strings of the projects page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '项目',
};

const en: typeof zhCN = {
  title: 'Projects',
};

export default { 'zh-CN': zhCN, en };
