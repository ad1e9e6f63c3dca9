// Strings of the version matrix page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '版本矩阵',
};

const en: typeof zhCN = {
  title: 'Version matrix',
};

export default { 'zh-CN': zhCN, en };
