import type { FastifyReply, FastifyRequest } from 'fastify';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
/** Above this many results GitLab stops counting: X-Total, X-Total-Pages and rel="last" are left out. */
const COUNT_LIMIT = 10_000;

export class BadParameter extends Error {}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d+$/.test(value)) throw new BadParameter(`${name} is invalid`);
  const parsed = Number.parseInt(value, 10);
  return parsed > 0 ? parsed : fallback;
}

export function perPageOf(query: Record<string, string | undefined>): number {
  return Math.min(positiveInt(query.per_page, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE);
}

function requestUrl(request: FastifyRequest, origin: string): URL {
  return new URL(request.url, origin);
}

function link(url: URL, params: Record<string, string>, rel: string): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(params)) next.searchParams.set(name, value);
  return `<${next.toString()}>; rel="${rel}"`;
}

/** Offset pagination: `page`/`per_page`, the X-* headers and a Link header with prev, next, first and last. */
export function paginateOffset<T>(request: FastifyRequest, reply: FastifyReply, origin: string, items: T[]): T[] {
  const query = request.query as Record<string, string | undefined>;
  const perPage = perPageOf(query);
  const page = positiveInt(query.page, 'page', 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const counted = items.length <= COUNT_LIMIT;
  const url = requestUrl(request, origin);
  const hasNext = page * perPage < items.length;
  const hasPrev = page > 1;
  const pageLink = (n: number, rel: string) => link(url, { page: String(n), per_page: String(perPage) }, rel);
  const links = [hasPrev ? pageLink(page - 1, 'prev') : '', hasNext ? pageLink(page + 1, 'next') : '', pageLink(1, 'first'), counted ? pageLink(totalPages, 'last') : ''];
  reply.header('x-page', String(page));
  reply.header('x-per-page', String(perPage));
  reply.header('x-next-page', hasNext ? String(page + 1) : '');
  reply.header('x-prev-page', hasPrev ? String(page - 1) : '');
  if (counted) {
    reply.header('x-total', String(items.length));
    reply.header('x-total-pages', String(totalPages));
  }
  reply.header('link', links.filter(Boolean).join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}

/**
 * Keyset pagination on `id` (the only key GitLab's projects endpoint supports): `id_after`/`id_before` select the
 * page, and only a Link rel="next" header says there is more — no counts, no X-Page headers.
 */
export function paginateKeyset<T extends { id: number }>(request: FastifyRequest, reply: FastifyReply, origin: string, items: T[]): T[] {
  const query = request.query as Record<string, string | undefined>;
  const perPage = perPageOf(query);
  const ascending = query.sort === 'asc';
  const after = positiveInt(query.id_after, 'id_after', 0);
  const before = positiveInt(query.id_before, 'id_before', 0);
  const window = items.filter((item) => (after === 0 || item.id > after) && (before === 0 || item.id < before));
  window.sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
  const page = window.slice(0, perPage);
  const last = page.at(-1);
  if (last && window.length > perPage) {
    const url = requestUrl(request, origin);
    reply.header('link', link(url, { [ascending ? 'id_after' : 'id_before']: String(last.id) }, 'next'));
  }
  return page;
}
