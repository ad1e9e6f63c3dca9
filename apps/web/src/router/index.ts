import type { Component } from 'vue';
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { ApiError } from '@/api/http';
import { useAuthStore } from '@/stores/auth';
import { safeRedirect } from '@/utils/redirect';
import { routes } from './routes';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (only the login page). */
    public?: boolean;
    /** i18n key for the menu entry and the document title. */
    titleKey?: string;
    icon?: Component;
    /** The menu entry a page without its own entry highlights (a release's page lights up "Releases"). */
    menu?: string;
    /** The sidebar heading the menu entry sits under; entries without one sit above all headings. */
    section?: 'release' | 'resources' | 'system';
    /** Shown in the menu and reachable for global administrators only. */
    adminOnly?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
});

function loginFor(fullPath: string): RouteLocationRaw {
  return { name: 'login', query: { redirect: fullPath } };
}

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  if (to.meta.public) {
    return to.name === 'login' && auth.isLoggedIn ? safeRedirect(to.query.redirect) : true;
  }
  if (!auth.isLoggedIn) return loginFor(to.fullPath);
  if (!auth.user) {
    try {
      await auth.fetchMe();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        auth.clearSession();
        return loginFor(to.fullPath);
      }
      throw err;
    }
  }
  if (to.meta.adminOnly && !auth.user?.isAdmin) return { name: 'dashboard' };
  return true;
});
