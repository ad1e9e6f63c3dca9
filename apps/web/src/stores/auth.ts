import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import * as authApi from '@/api/auth';
import type { User } from '@/api/types';

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

  return { token, user, isLoggedIn, login, fetchMe, logout, clearSession };
});
