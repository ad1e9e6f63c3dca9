import { ApiError } from '@/api/http';
import { i18n } from '@/locales';

/**
 * The API's validation and conflict details (`[{ field: 'body.name', message }]`) keyed by form field, so a dialog
 * can show them under the field they concern; with `fields`, those the form does not have are left to the toast.
 */
export function fieldErrorsOf(err: unknown, fields?: readonly string[]): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const detail of err.details as unknown[]) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { field, message } = detail as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const name = field.replace(/^\/?body[./]/, '').split(/[./]/)[0] ?? '';
    if (name && (!fields || fields.includes(name)) && !out[name]) out[name] = message;
  }
  return out;
}

/** A 409 from a delete: the resource is still in use and the API says by what. */
export const isConflict = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 409;

/** A blocking explanation instead of a toast: the user has to act elsewhere first, and the API's reason says where. */
export async function alertConflict(title: string, message: string, err: ApiError): Promise<void> {
  await ElMessageBox.alert(`${message}\n\n${err.message}`, title, {
    type: 'error',
    confirmButtonText: i18n.global.t('common.confirm'),
    customClass: 'conflict-alert',
    customStyle: { whiteSpace: 'pre-line' },
  }).catch(() => undefined);
}
