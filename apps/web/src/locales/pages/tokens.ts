// Strings of the api tokens page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: 'API 令牌',
};

const en: typeof zhCN = {
  title: 'API tokens',
};

export default { 'zh-CN': zhCN, en };
