import type { APIRequestContext } from '@playwright/test';
import { ADMIN, expect } from '../fixtures.js';

/** A signed-in administrator's calls to the real API, for specs whose subject is not how the data got there. */
export interface Api {
  get<T = Record<string, unknown>>(url: string): Promise<T>;
  post<T = Record<string, unknown>>(url: string, data?: object): Promise<T>;
  patch<T = Record<string, unknown>>(url: string, data: object): Promise<T>;
  put<T = Record<string, unknown>>(url: string, data: object): Promise<T>;
}

export const adminApi = (request: APIRequestContext): Promise<Api> => apiAs(request, ADMIN);

/** Someone's calls to the real API, signed in with their username and password. */
export async function apiAs(request: APIRequestContext, who: { username: string; password: string }): Promise<Api> {
  const login = await request.post('/api/auth/login', { data: who });
  expect(login.status(), `login: ${await login.text()}`).toBe(200);
  const { token } = (await login.json()) as { token: string };
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, data?: object): Promise<T> => {
    const response = await request.fetch(url, { method, headers: { authorization: `Bearer ${token}` }, ...(data ? { data } : {}) });
    expect(response.status(), `${method} ${url}: ${await response.text()}`).toBeLessThan(300);
    return (await response.json()) as T;
  };
  return {
    get: (url) => call('GET', url),
    post: (url, data) => call('POST', url, data),
    patch: (url, data) => call('PATCH', url, data),
    put: (url, data) => call('PUT', url, data),
  };
}
