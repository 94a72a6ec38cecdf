// The URL of a request, from its target as sent, its Host and whether it was HTTPS: one
// way for HAR export, copy as curl and the app's "Copy URL".

import type { ExchangeRow } from './api';

export function absoluteUrl(target: string, host: string | null, tls: boolean, method: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  if (method === 'CONNECT') return `https://${target}/`;
  const path = target === '*' ? '/' : target;
  return `${tls ? 'https' : 'http'}://${host ?? 'unknown-host'}${path.startsWith('/') ? path : `/${path}`}`;
}

/** An exchange's URL from its row (host and path as the list shows them); null before its request line came. */
export function rowUrl(row: Pick<ExchangeRow, 'method' | 'host' | 'path' | 'tls'>): string | null {
  if (row.method === null) return null;
  if (row.method === 'CONNECT') return absoluteUrl(row.host ?? '', null, true, 'CONNECT');
  return row.path === null ? null : absoluteUrl(row.path, row.host, row.tls, row.method);
}
