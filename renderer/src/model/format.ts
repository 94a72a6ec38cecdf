// What the UI says of TLS. Numbers, durations and ends read as everywhere else:
// shared/words.ts (groupDigits, size, duration, endLabel, howItEnded).

import type { ExchangeRow, SessionInfo } from '../../../shared/api';
import type { TlsReport, TlsSide } from '../../../shared/capture';

function tlsSide(side: TlsSide): string {
  return [side.version, side.alpn ? `ALPN ${side.alpn}` : 'no ALPN', side.cipher].filter(Boolean).join(', ');
}

/**
 * The HTTPS of a connection Chunkscope made itself (the composer sending directly, `check`):
 * nothing was decrypted, Chunkscope was the client. A session the proxy decrypted came
 * through a CONNECT (`via`) and has the origin's side too.
 */
export function ownHttps(tls: TlsReport, row: Pick<ExchangeRow, 'clientTag'>): boolean {
  return row.clientTag?.launched === 'chunkscope' && tls.via === null && !tls.upstream && tls.client !== null;
}

/** The host cell's title. The row does not say who made Chunkscope's own connections' HTTPS, so it is not claimed for them. */
export function httpsTitle(row: Pick<ExchangeRow, 'tls' | 'clientTag' | 'host'>): string {
  const host = row.host ?? '';
  if (!row.tls) return host;
  return `${host} (HTTPS${row.clientTag?.launched === 'chunkscope' ? '' : ', decrypted by Chunkscope'})`;
}

/**
 * "HTTPS decrypted by Chunkscope · client: TLSv1.3, ALPN http/1.1 (SNI feeds.example.test) · origin: ..., certificate verified".
 * An imported session says where the decrypted bytes came from: Chunkscope did not decrypt them.
 * A connection Chunkscope made itself (`own`) says so: "Chunkscope's own HTTPS connection · TLSv1.3, …".
 */
export function tlsSummary(tls: TlsReport, imported: SessionInfo['imported'] = null, own = false): string {
  if (imported) return imported.kind === 'har' ? 'HTTPS, as the browser recorded it in the HAR (decrypted by the browser, not by Chunkscope)' : 'HTTPS, from the packet capture';
  if (own && tls.client) return `Chunkscope's own HTTPS connection to the origin · ${tlsSide(tls.client)}${tls.client.sni ? ` (SNI ${tls.client.sni})` : ''}`;
  const parts = ['HTTPS decrypted by Chunkscope'];
  if (tls.client) parts.push(`client: ${tlsSide(tls.client)}${tls.client.sni ? ` (SNI ${tls.client.sni})` : ''}`);
  if (tls.upstream) {
    const verdict = tls.upstream.authorized ? 'certificate verified' : `certificate NOT verified (${tls.upstream.authorizationError ?? 'not checked'}; --insecure-upstream)`;
    parts.push(`origin: ${tlsSide(tls.upstream)}, ${verdict}${tls.upstream.peer ? `: ${tls.upstream.peer}` : ''}`);
  }
  if (tls.via !== null) parts.push(`through the CONNECT of c${tls.via}`);
  return parts.join(' · ');
}
