// What the UI says of TLS. Numbers, durations and ends read as everywhere else:
// shared/words.ts (groupDigits, size, duration, endLabel, howItEnded).

import type { SessionInfo } from '../../../shared/api';
import type { TlsReport, TlsSide } from '../../../shared/capture';

function tlsSide(side: TlsSide): string {
  return [side.version, side.alpn ? `ALPN ${side.alpn}` : 'no ALPN', side.cipher].filter(Boolean).join(', ');
}

/**
 * "HTTPS decrypted by Chunkscope · client: TLSv1.3, ALPN http/1.1 (SNI feeds.example.test) · origin: ..., certificate verified".
 * An imported session says where the decrypted bytes came from: Chunkscope did not decrypt them.
 */
export function tlsSummary(tls: TlsReport, imported: SessionInfo['imported'] = null): string {
  if (imported) return imported.kind === 'har' ? 'HTTPS, as the browser recorded it in the HAR (decrypted by the browser, not by Chunkscope)' : 'HTTPS, from the packet capture';
  const parts = ['HTTPS decrypted by Chunkscope'];
  if (tls.client) parts.push(`client: ${tlsSide(tls.client)}${tls.client.sni ? ` (SNI ${tls.client.sni})` : ''}`);
  if (tls.upstream) {
    const verdict = tls.upstream.authorized ? 'certificate verified' : `certificate NOT verified (${tls.upstream.authorizationError ?? 'not checked'}; --insecure-upstream)`;
    parts.push(`origin: ${tlsSide(tls.upstream)}, ${verdict}${tls.upstream.peer ? `: ${tls.upstream.peer}` : ''}`);
  }
  if (tls.via !== null) parts.push(`through the CONNECT of c${tls.via}`);
  return parts.join(' · ');
}
