/** The administrator the benches start the product with; the password satisfies the product's password rule. */
export const BENCH_ADMIN_PASSWORD = 'Bench-Chief-Passw0rd';

export interface Api {
  token: string;
  call<T>(method: 'GET' | 'POST', url: string, body?: object): Promise<T>;
}

/** Logs in as the administrator over HTTP; every later call carries the session and fails loudly on a non-2xx. */
export async function login(baseUrl: string): Promise<Api> {
  const request = async <T>(token: string, method: 'GET' | 'POST', url: string, body?: object): Promise<T> => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const { token } = await request<{ token: string }>('', 'POST', '/api/auth/login', { username: 'admin', password: BENCH_ADMIN_PASSWORD });
  return { token, call: (method, url, body) => request(token, method, url, body) };
}
