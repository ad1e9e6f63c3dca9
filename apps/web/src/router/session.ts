import type { HttpSession } from '@/api/http';
import { useAuthStore } from '@/stores/auth';
import { router } from './index';

/**
 * The HTTP client's view of the session: the signed-in user's token, and what a 401 on it means — the session is
 * gone server side, so drop it here too and send the user to log in, then back.
 */
export const httpSession: HttpSession = {
  getToken: () => useAuthStore().token,
  async onUnauthorized() {
    useAuthStore().clearSession();
    const current = router.currentRoute.value;
    // Before the first navigation settles there is no page to return to; the route guard redirects with the target.
    if (current.matched.length === 0 || current.meta.public) return;
    await router.replace({ name: 'login', query: { redirect: current.fullPath } });
  },
};
