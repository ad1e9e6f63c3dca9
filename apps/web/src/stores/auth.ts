import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import * as authApi from '@/api/auth';
import type { GroupRole, User } from '@/api/types';

const RANK: Record<GroupRole, number> = { viewer: 1, developer: 2, owner: 3 };

const TOKEN_KEY = 'rp.token';
const EXPIRES_KEY = 'rp.tokenExpiresAt';

function readStoredToken(): string | null {
  const token = localStorage.getItem(TOKEN_KEY);
  const expiresAt = Date.parse(localStorage.getItem(EXPIRES_KEY) ?? '');
  // An expired token would only earn a 401 round trip on the first page load.
  if (!token || (Number.isFinite(expiresAt) && expiresAt <= Date.now())) {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(EXPIRES_KEY);
    return null;
  }
  return token;
}

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(readStoredToken());
  const user = ref<User | null>(null);
  const isLoggedIn = computed(() => token.value !== null);

  function clearSession(): void {
    token.value = null;
    user.value = null;
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(EXPIRES_KEY);
  }

  async function login(username: string, password: string): Promise<User> {
    const result = await authApi.login({ username, password });
    token.value = result.token;
    user.value = result.user;
    localStorage.setItem(TOKEN_KEY, result.token);
    localStorage.setItem(EXPIRES_KEY, result.expiresAt);
    return result.user;
  }

  async function fetchMe(): Promise<User> {
    const me = await authApi.fetchMe();
    user.value = me;
    return me;
  }

  async function logout(): Promise<void> {
    try {
      if (token.value) await authApi.logout();
    } catch {
      // Revoking is best effort: an unreachable API or an already-dead token must not keep the user signed in here.
    } finally {
      clearSession();
    }
  }

  /**
   * The API's rule for group resources: administrators may do everything, members what their role or a higher one
   * allows (owner ⊃ developer ⊃ viewer). Views use it to hide actions the API would refuse.
   */
  function hasGroupRole(groupId: string | null | undefined, role: GroupRole): boolean {
    const u = user.value;
    if (!u) return false;
    if (u.isAdmin) return true;
    const held = u.memberships.find((m) => m.groupId === groupId)?.role;
    return held !== undefined && RANK[held] >= RANK[role];
  }

  return { token, user, isLoggedIn, login, fetchMe, logout, clearSession, hasGroupRole };
});
