// Strings of the users page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '用户',
};

const en: typeof zhCN = {
  title: 'Users',
};

export default { 'zh-CN': zhCN, en };
