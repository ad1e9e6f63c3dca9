import type { RouteRecordRaw } from 'vue-router';
import { DataAnalysis, Files, FolderOpened, Key, Monitor, Tickets } from '@element-plus/icons-vue';

/** Pages inside the sidebar shell; the sidebar menu is built from the entries with an icon, in this order. */
export const shellRoutes: RouteRecordRaw[] = [
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
    meta: { titleKey: 'menu.releases', icon: Tickets },
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
    path: 'projects',
    name: 'projects',
    component: () => import('@/views/placeholder/index.vue'),
    meta: { titleKey: 'menu.projects', icon: FolderOpened },
  },
  {
    path: 'servers',
    name: 'servers',
    component: () => import('@/views/placeholder/index.vue'),
    meta: { titleKey: 'menu.servers', icon: Monitor },
  },
  {
    path: 'credentials',
    name: 'credentials',
    component: () => import('@/views/placeholder/index.vue'),
    meta: { titleKey: 'menu.credentials', icon: Key },
  },
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/views/placeholder/index.vue'),
    meta: { titleKey: 'menu.audit', icon: Files },
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
    component: () => import('@/views/layout/index.vue'),
    redirect: { name: 'dashboard' },
    children: shellRoutes,
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];
