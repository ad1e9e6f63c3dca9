import type { RouteRecordRaw } from 'vue-router';
import {
  AlarmClock,
  Bell,
  Connection,
  DataAnalysis,
  DocumentChecked,
  Files,
  FolderOpened,
  Key,
  Lock,
  Message,
  Monitor,
  OfficeBuilding,
  Postcard,
  PriceTag,
  Share,
  Tickets,
  Timer,
  User,
} from '@element-plus/icons-vue';

/**
 * Pages inside the sidebar shell; the sidebar menu is built from the entries with an icon, in this order, under
 * their section's heading.
 */
const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('@/views/dashboard/index.vue'),
    meta: { titleKey: 'menu.dashboard', icon: DataAnalysis },
  },
  {
    path: 'releases',
    name: 'releases',
    component: () => import('@/views/releases/index.vue'),
    meta: { titleKey: 'menu.releases', icon: Tickets, section: 'release' },
  },
  {
    path: 'releases/:id',
    name: 'release-detail',
    component: () => import('@/views/releases/detail.vue'),
    meta: { titleKey: 'releases.detailTitle', menu: '/releases' },
  },
  {
    path: 'release/new',
    name: 'release-new',
    component: () => import('@/views/releases/new.vue'),
    meta: { titleKey: 'releases.newTitle', menu: '/releases' },
  },
  {
    path: 'approvals',
    name: 'approvals',
    component: () => import('@/views/approvals/index.vue'),
    meta: { titleKey: 'menu.approvals', icon: DocumentChecked, section: 'release' },
  },
  {
    path: 'queue',
    name: 'queue',
    component: () => import('@/views/queue/index.vue'),
    meta: { titleKey: 'menu.queue', icon: Timer, section: 'release' },
  },
  {
    path: 'versions',
    name: 'versions',
    component: () => import('@/views/versions/index.vue'),
    meta: { titleKey: 'menu.versions', icon: PriceTag, section: 'release' },
  },
  {
    path: 'versions/overview',
    name: 'versions-overview',
    component: () => import('@/views/versions/overview.vue'),
    meta: { titleKey: 'versions.overview.title', menu: '/versions' },
  },

  {
    path: 'projects',
    name: 'projects',
    component: () => import('@/views/projects/index.vue'),
    meta: { titleKey: 'menu.projects', icon: FolderOpened, section: 'resources' },
  },
  {
    path: 'projects/:id',
    name: 'project-detail',
    component: () => import('@/views/projects/detail.vue'),
    meta: { titleKey: 'projects.detailTitle', menu: '/projects' },
  },
  {
    path: 'servers',
    name: 'servers',
    component: () => import('@/views/servers/index.vue'),
    meta: { titleKey: 'menu.servers', icon: Monitor, section: 'resources' },
  },
  {
    path: 'credentials',
    name: 'credentials',
    component: () => import('@/views/credentials/index.vue'),
    meta: { titleKey: 'menu.credentials', icon: Key, section: 'resources' },
  },
  {
    path: 'git-platforms',
    name: 'git-platforms',
    component: () => import('@/views/git-platforms/index.vue'),
    meta: { titleKey: 'menu.gitPlatforms', icon: Share, section: 'resources' },
  },
  {
    path: 'git-platforms/:id/projects',
    name: 'git-platform-projects',
    component: () => import('@/views/git-platforms/projects.vue'),
    meta: { titleKey: 'gitPlatforms.projects.title', menu: '/git-platforms' },
  },
  {
    path: 'git-host-keys',
    name: 'git-host-keys',
    component: () => import('@/views/git-hosts/index.vue'),
    meta: { titleKey: 'gitHosts.title', icon: Lock, section: 'resources' },
  },
  {
    path: 'notification-channels',
    name: 'notification-channels',
    component: () => import('@/views/notification-channels/index.vue'),
    meta: { titleKey: 'notificationChannels.title', icon: Bell, section: 'resources' },
  },
  {
    path: 'alert-rules',
    name: 'alert-rules',
    component: () => import('@/views/alert-rules/index.vue'),
    meta: { titleKey: 'alertRules.title', icon: AlarmClock, section: 'resources' },
  },
  {
    path: 'notification-deliveries',
    name: 'notification-deliveries',
    component: () => import('@/views/notification-deliveries/index.vue'),
    meta: { titleKey: 'notificationDeliveries.title', icon: Message, section: 'resources' },
  },
  {
    path: 'hook-templates',
    name: 'hook-templates',
    component: () => import('@/views/hook-templates/index.vue'),
    meta: { titleKey: 'menu.hookTemplates', icon: Connection, section: 'resources' },
  },

  {
    path: 'groups',
    name: 'groups',
    component: () => import('@/views/groups/index.vue'),
    meta: { titleKey: 'menu.groups', icon: OfficeBuilding, section: 'system' },
  },
  {
    path: 'users',
    name: 'users',
    component: () => import('@/views/users/index.vue'),
    meta: { titleKey: 'menu.users', icon: User, section: 'system', adminOnly: true },
  },
  {
    path: 'tokens',
    name: 'tokens',
    component: () => import('@/views/tokens/index.vue'),
    meta: { titleKey: 'menu.tokens', icon: Postcard, section: 'system' },
  },
  {
    path: 'my-notifications',
    name: 'my-notifications',
    component: () => import('@/views/my-notifications/index.vue'),
    meta: { titleKey: 'myNotifications.title' },
  },
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/views/audit/index.vue'),
    meta: { titleKey: 'menu.audit', icon: Files, section: 'system', adminOnly: true },
  },
];

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    path: '/',
    component: () => import('@/layouts/AppLayout.vue'),
    redirect: { name: 'dashboard' },
    children: shellRoutes,
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];
