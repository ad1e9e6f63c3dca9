// Strings of the Git host keys page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: 'Git 主机密钥',
  intro: '通过 SSH 访问 Git 时，平台在第一次连接某个主机和端口时记下它的主机密钥（首次使用即信任），之后只接受这把密钥；主机出示其他密钥时 Git 操作会失败。',
  searchPlaceholder: '按主机搜索',
  empty: '还没有固定的 Git 主机密钥',
  fields: {
    host: '主机',
    fingerprints: '指纹',
    pinnedAt: '固定时间',
    pinnedBy: '固定者',
  },
  reset: '重置',
  confirmReset: '确定重置 {host} 的主机密钥吗？下一次访问该主机的 Git 操作会信任它届时出示的任何密钥并重新固定。请先确认主机密钥确实已更换。',
};

const en: typeof zhCN = {
  title: 'Git host keys',
  intro: 'For Git over SSH the platform records the host key of each host and port the first time it connects (trust on first use) and accepts only that key afterwards; a host presenting another key makes Git calls fail.',
  searchPlaceholder: 'Search by host',
  empty: 'No Git host keys pinned yet',
  fields: {
    host: 'Host',
    fingerprints: 'Fingerprints',
    pinnedAt: 'Pinned at',
    pinnedBy: 'Pinned by',
  },
  reset: 'Reset',
  confirmReset: 'Reset the host key of {host}? The next Git call to this host will trust whatever key it presents then and pin it again. Make sure the host key really was replaced first.',
};

export default { 'zh-CN': zhCN, en };
