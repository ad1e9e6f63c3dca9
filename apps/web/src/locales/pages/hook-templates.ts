// Strings of the hook templates page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '钩子模板',
  create: '新建模板',
  editTitle: '编辑模板',
  viewTitle: '查看模板',
  searchPlaceholder: '按名称搜索',
  filterGroup: '全部分组',
  global: '全局',
  globalOption: '全局（所有分组可用）',
  empty: '暂无钩子模板',
  view: '查看',
  fields: {
    scope: '范围',
    script: '脚本',
  },
  hints: {
    script: '脚本用 sh 执行。项目套用模板时复制一份脚本，之后修改模板不会影响已套用的项目。',
  },
  rules: {
    group: '请选择分组',
    name: '请输入名称',
    script: '请输入脚本内容',
    scriptTooLong: '脚本最多 {max} 个字符',
  },
};

const en: typeof zhCN = {
  title: 'Hook templates',
  create: 'New template',
  editTitle: 'Edit template',
  viewTitle: 'Template',
  searchPlaceholder: 'Search by name',
  filterGroup: 'All groups',
  global: 'Global',
  globalOption: 'Global (usable by every group)',
  empty: 'No hook templates yet',
  view: 'View',
  fields: {
    scope: 'Scope',
    script: 'Script',
  },
  hints: {
    script: 'Runs with sh. A project that applies the template gets its own copy; later changes here do not touch it.',
  },
  rules: {
    group: 'Choose a group',
    name: 'Enter a name',
    script: 'Enter the script',
    scriptTooLong: 'A script is at most {max} characters',
  },
};

export default { 'zh-CN': zhCN, en };
