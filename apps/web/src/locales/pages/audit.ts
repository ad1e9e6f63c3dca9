// Strings of the audit log page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '审计日志',
};

const en: typeof zhCN = {
  title: 'Audit log',
};

export default { 'zh-CN': zhCN, en };
