// Strings of the personal notification settings page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '我的通知',
  intro: '与你本人有关的发布消息，发到你选择的渠道：邮件渠道发到你的邮箱，钉钉渠道在群里 {\'@\'} 你。',
  fields: {
    email: '邮箱',
    dingtalkMobile: '钉钉手机号',
    channel: '通知渠道',
    myReleases: '我创建的发布单',
    awaitingMyApproval: '等待我审批',
    locale: '消息语言',
  },
  hints: {
    email: '来自个人资料，请联系管理员修改。',
    noEmail: '未设置',
    dingtalkMobile: '钉钉消息中按此手机号 {\'@\'} 你。',
    channel: '可选你所在分组及全局的邮件、钉钉渠道。',
    noChannel: '不选则不接收个人通知。',
    myReleases: '我创建的发布单每次状态变化都通知我。',
    awaitingMyApproval: '有发布单等待我审批时通知我。',
  },
  rules: {
    mobile: '请输入有效的手机号',
  },
};

const en: typeof zhCN = {
  title: 'My notifications',
  intro: 'Release messages about you go to the channel you choose: e-mail channels mail your address, DingTalk channels {\'@\'}-mention you in the group.',
  fields: {
    email: 'E-mail',
    dingtalkMobile: 'DingTalk mobile',
    channel: 'Channel',
    myReleases: 'My releases',
    awaitingMyApproval: 'Waiting for my approval',
    locale: 'Message language',
  },
  hints: {
    email: 'From your profile; an administrator can change it.',
    noEmail: 'Not set',
    dingtalkMobile: 'DingTalk messages {\'@\'}-mention you by this number.',
    channel: 'E-mail and DingTalk channels of your groups and global ones.',
    noChannel: 'Without one you get no personal messages.',
    myReleases: 'Every state change of a release I created.',
    awaitingMyApproval: 'A release waiting for me to approve it.',
  },
  rules: {
    mobile: 'Enter a valid mobile number',
  },
};

export default { 'zh-CN': zhCN, en };
