// Strings of the dialog a retry shows when the project or environment settings changed, both languages side by side.
const zhCN = {
  title: '配置已变更',
  intro: '该发布单创建（{time}）后，项目或环境的配置已被修改。重试将使用当前配置，而不是创建时的配置：',
  field: '配置项',
  before: '创建时',
  after: '当前',
  empty: '（空）',
  unset: '（未设置）',
  secretNote: '密钥变量只比较名称：其值的修改无法检测。',
  confirm: '使用当前配置重试',
};

const en: typeof zhCN = {
  title: 'Settings changed',
  intro: 'The project or environment settings were edited after this release was created ({time}). A retry runs with the current settings, not those it was planned with:',
  field: 'Setting',
  before: 'When created',
  after: 'Now',
  empty: '(empty)',
  unset: '(not set)',
  secretNote: 'Secret variables are compared by name only: a changed secret value cannot be detected.',
  confirm: 'Retry with the current settings',
};

export default { 'zh-CN': zhCN, en };
