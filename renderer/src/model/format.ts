// How numbers, times and ends read in the UI. Stable, locale-independent digit grouping.

import type { ConnectionEnd } from '../../../shared/api';
import type { TlsReport, TlsSide } from '../../../shared/capture';

export function groupDigits(value: number): string {
  const [whole, fraction] = String(Math.abs(value)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${groupDigits(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function seconds(s: number | null): string {
  if (s === null) return '';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(s / 60);
  return `${minutes} min ${Math.round(s - minutes * 60)} s`;
}

export function milliseconds(s: number): string {
  return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
}

export function rate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '' : `${bytes(bytesPerSecond)}/s`;
}

/** "server RST", "client FIN", "Chunkscope FIN", "server close_notify", "server FIN, no close_notify". */
export function endLabel(end: ConnectionEnd | null): string {
  if (!end) return '';
  const who = end.by === 'proxy' ? 'Chunkscope' : end.by;
  if (end.kind === 'close-notify') return `${who} close_notify`;
  if (end.kind === 'fin' && end.tls) return `${who} FIN, no close_notify`;
  const how = end.kind === 'fin' ? 'FIN' : end.kind === 'rst' ? 'RST' : end.kind;
  return `${who} ${how}`;
}

/** "the server closed the connection (FIN)"; inside TLS, whether close_notify came first. */
export function endSentence(end: ConnectionEnd): string {
  const who = end.by === 'proxy' ? 'Chunkscope' : `the ${end.by}`;
  if (end.kind === 'close-notify') return `${who} closed the TLS session (close_notify)`;
  if (end.kind === 'fin' && end.tls) return `${who} closed the connection (FIN) without close_notify: a truncation`;
  if (end.kind === 'fin') return `${who} closed the connection (FIN)`;
  if (end.kind === 'rst') return `${who} reset the connection (RST)`;
  return `${who}'s side ended with ${end.kind}`;
}

function tlsSide(side: TlsSide): string {
  return [side.version, side.alpn ? `ALPN ${side.alpn}` : 'no ALPN', side.cipher].filter(Boolean).join(', ');
}

/** "HTTPS decrypted by Chunkscope · client: TLSv1.3, ALPN http/1.1 (SNI feeds.example.test) · origin: ..., certificate verified" */
export function tlsSummary(tls: TlsReport): string {
  const parts = ['HTTPS decrypted by Chunkscope'];
  if (tls.client) parts.push(`client: ${tlsSide(tls.client)}${tls.client.sni ? ` (SNI ${tls.client.sni})` : ''}`);
  if (tls.upstream) {
    const verdict = tls.upstream.authorized ? 'certificate verified' : `certificate NOT verified (${tls.upstream.authorizationError ?? 'not checked'}; --insecure-upstream)`;
    parts.push(`origin: ${tlsSide(tls.upstream)}, ${verdict}${tls.upstream.peer ? `: ${tls.upstream.peer}` : ''}`);
  }
  if (tls.via !== null) parts.push(`through the CONNECT of c${tls.via}`);
  return parts.join(' · ');
}
