// Strings of the login page, both languages side by side so a key cannot exist in one only.
const zhCN = {
  title: '登录',
  subtitle: '使用平台账号登录',
  username: '用户名',
  password: '密码',
  usernameRequired: '请输入用户名',
  passwordRequired: '请输入密码',
  submit: '登录',
  retryIn: '{seconds} 秒后可重试',
  locked: '登录失败次数过多，账号已锁定至 {time}；可稍后再试或请管理员解锁',
  directoryUnavailable: '目录服务 (LDAP) 暂不可用，请稍后再试；本地账号仍可登录',
  invalidCredentials: '用户名或密码错误',
  tooManyAttempts: '登录尝试过于频繁，请稍后再试',
  features: {
    approval: '发布单审批，每一步都有记录',
    rollout: '分批发布，失败即停并可一键回滚',
    audit: '完整审计日志，谁在何时做了什么',
  },
};

const en: typeof zhCN = {
  title: 'Sign in',
  subtitle: 'Use your platform account',
  username: 'Username',
  password: 'Password',
  usernameRequired: 'Please enter your username',
  passwordRequired: 'Please enter your password',
  submit: 'Sign in',
  retryIn: 'Retry in {seconds} s',
  locked: 'Too many failed logins: this account is locked until {time}. Try again later or ask an administrator to unlock it',
  directoryUnavailable: 'The directory (LDAP) is unavailable; try again later. Local accounts can still sign in',
  invalidCredentials: 'Invalid username or password',
  tooManyAttempts: 'Too many sign-in attempts; please try again later',
  features: {
    approval: 'Approved releases, every step recorded',
    rollout: 'Batched rollouts that stop on failure, one-click rollback',
    audit: 'A full audit log of who did what and when',
  },
};

export default { 'zh-CN': zhCN, en };
