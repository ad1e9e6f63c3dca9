import type { MessageSchema } from './index';

const en: MessageSchema = {
  app: {
    name: 'Release Platform',
    fullName: '发布平台 / Release Platform',
    tagline: 'Code releases for operations teams',
  },
  menu: {
    dashboard: 'Dashboard',
    releases: 'Releases',
    projects: 'Projects',
    servers: 'Servers',
    credentials: 'Credentials',
    audit: 'Audit',
  },
  login: {
    title: 'Sign in',
    subtitle: 'Use your platform account',
    username: 'Username',
    password: 'Password',
    usernameRequired: 'Please enter your username',
    passwordRequired: 'Please enter your password',
    submit: 'Sign in',
    retryIn: 'Retry in {seconds} s',
    features: {
      approval: 'Approved releases, every step recorded',
      rollout: 'Batched rollouts that stop on failure, one-click rollback',
      audit: 'A full audit log of who did what and when',
    },
  },
  header: {
    toggleSidebar: 'Collapse/expand sidebar',
    language: 'Language',
    darkMode: 'Dark mode',
    logout: 'Sign out',
  },
  dashboard: {
    welcome: 'Welcome back, {name}',
    intro: 'Use the menu on the left to manage projects, servers and releases.',
    username: 'Username',
    email: 'Email',
    role: 'Role',
    admin: 'Administrator',
    member: 'Member',
    groups: 'Groups',
    noGroups: 'Not a member of any group yet',
    roles: { owner: 'Owner', developer: 'Developer', viewer: 'Viewer' },
  },
  placeholder: {
    title: 'Coming soon',
    description: 'This module arrives in a later version.',
  },
  errors: {
    network: 'Cannot reach the server. Check the network and try again.',
    unexpected: 'The server sent an unexpected response (HTTP {status})',
  },
};

export default en;
