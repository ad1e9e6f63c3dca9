// Strings of the credentials page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '凭据',
};

const en: typeof zhCN = {
  title: 'Credentials',
};

export default { 'zh-CN': zhCN, en };
