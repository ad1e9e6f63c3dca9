// Strings of the dry run's summary (the plan preview), both languages side by side so a key cannot exist in one only.
const zhCN = {
  table: {
    batch: '批次',
    servers: '服务器',
    then: '之后',
    batchN: '第 {n} 批',
  },
  gate: {
    manual: '暂停，人工确认后继续下一批',
    auto: '等待 {seconds} 秒后自动继续',
    immediately: '立即继续下一批',
    last: '结束',
  },
  failure: '失败处理：{tolerate}；{rollback}',
  tolerateNone: '任一服务器失败即停止',
  tolerate: '最多容忍 {n} 台失败',
  autoRollback: '失败的批次自动回滚',
  noAutoRollback: '不自动回滚',
  skipped: '跳过的阶段：{stages}',
  nothingSkipped: '所有阶段都会执行',
  details: '查看每条命令（Shell）',
};

const en: typeof zhCN = {
  table: {
    batch: 'Batch',
    servers: 'Servers',
    then: 'Then',
    batchN: 'Batch {n}',
  },
  gate: {
    manual: 'pause, continue after manual confirmation',
    auto: 'wait {seconds} s, then go on',
    immediately: 'go on at once',
    last: 'done',
  },
  failure: 'On failure: {tolerate}; {rollback}',
  tolerateNone: 'stop at the first failed server',
  tolerate: 'tolerate up to {n} failed servers',
  autoRollback: 'the failed batch is rolled back',
  noAutoRollback: 'no automatic rollback',
  skipped: 'Skipped stages: {stages}',
  nothingSkipped: 'Every stage runs',
  details: 'Every command (shell)',
};

export default { 'zh-CN': zhCN, en };
