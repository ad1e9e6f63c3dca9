import { http } from './http';
import type { LoginRequest, LoginResponse, User } from './types';

export function login(body: LoginRequest): Promise<LoginResponse> {
  return http.post<LoginResponse>('/auth/login', body);
}

export function fetchMe(): Promise<User> {
  return http.get<User>('/auth/me');
}

export function logout(): Promise<void> {
  return http.post<void>('/auth/logout');
}
