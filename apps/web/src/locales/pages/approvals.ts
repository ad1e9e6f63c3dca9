// Strings of the approvals page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '待我审批',
};

const en: typeof zhCN = {
  title: 'Approvals',
};

export default { 'zh-CN': zhCN, en };
