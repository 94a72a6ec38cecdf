// Which side of a TCP connection is an HTTP/1.x client, on any port: the side whose
// first bytes are a request line (METHOD SP target SP HTTP/1.x). Port 80 says nothing
// on a production server behind a balancer, and HTTP on 443 says nothing either.

import type { Side, StreamEvent, TcpConnection } from './reassembly';

const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^\s]+ HTTP\/1\.\d\r?$/;
/** A request line longer than this is not worth waiting for (servers refuse past 8 KiB). */
const LOOK_AHEAD = 8192;

export type ClientChoice =
  | { client: Side }
  /** No side starts like HTTP/1.x: `why` says what the first bytes look like. */
  | { client: null; why: string }
  /** No payload at all (a handshake, a refused connection, keep-alives). */
  | { client: null; why: null };

export function chooseClient(connection: TcpConnection): ClientChoice {
  const starts = [firstBytes(connection.events, 0), firstBytes(connection.events, 1)] as const;
  if (starts[0] === null && starts[1] === null) return { client: null, why: null };
  // The SYN's sender is the client when the handshake was captured.
  if (connection.opener !== null) {
    const sent = starts[connection.opener];
    if (sent && looksLikeRequest(sent.bytes)) return { client: connection.opener };
    return { client: null, why: sent ? `the client's first bytes are ${describe(sent.bytes)}` : 'the client sent nothing the capture holds' };
  }
  // Started mid-connection: whichever side spoke a request line first.
  const candidates = ([0, 1] as const).filter((side) => starts[side] && looksLikeRequest(starts[side].bytes));
  candidates.sort((a, b) => starts[a]!.order - starts[b]!.order);
  if (candidates.length > 0) return { client: candidates[0]! };
  const first = starts[0] && (!starts[1] || starts[0].order < starts[1].order) ? starts[0] : starts[1]!;
  return { client: null, why: `neither side starts with a request line (the first bytes are ${describe(first.bytes)})` };
}

/** The first bytes of a side, up to its first line end; null when it sent nothing. A gap first: empty bytes. */
function firstBytes(events: readonly StreamEvent[], side: Side): { bytes: Uint8Array; order: number } | null {
  const pieces: Uint8Array[] = [];
  let length = 0;
  let order = -1;
  for (const e of events) {
    if (e.from !== side || (e.type !== 'data' && e.type !== 'gap')) continue;
    if (order < 0) order = e.order;
    if (e.type === 'gap') break;
    pieces.push(e.bytes);
    length += e.bytes.length;
    if (length >= LOOK_AHEAD || e.bytes.includes(0x0a)) break;
  }
  if (order < 0) return null;
  return { bytes: Buffer.concat(pieces).subarray(0, LOOK_AHEAD), order };
}

export function looksLikeRequest(bytes: Uint8Array): boolean {
  const end = bytes.indexOf(0x0a);
  if (end < 0) return false;
  return REQUEST_LINE.test(Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1'));
}

/** The first bytes in words, for a note saying why a connection is not shown. */
export function describe(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'missing (the capture lost them)';
  if (bytes[0] === 0x16 && bytes[1] === 0x03) return 'a TLS handshake (HTTPS: a packet capture holds it encrypted)';
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 40)).toString('latin1');
  if (text.startsWith('PRI * HTTP/2.0')) return 'the HTTP/2 connection preface';
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) return JSON.stringify(text.split(/\r?\n/)[0]);
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
