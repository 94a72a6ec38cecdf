// The product's vocabulary of framing problems (spec/ANOMALIES.md in ../shared).
// The UI, the CLI, exports and tests all use these codes; never rename one.

export type AnomalyClass = 'F' | 'D' | 'E' | 'T' | 'I' | 'X';
export type Direction = 'request' | 'response';

export interface AnomalyInfo {
  readonly cls: AnomalyClass;
  /** Short title for lists and badges. */
  readonly title: string;
  readonly reference: string;
}

export const ANOMALIES = {
  'bare-lf': { cls: 'F', title: 'LF without CR in chunked framing', reference: 'RFC 9112 §7.1, §7.1.1' },
  'bare-lf-in-fields': { cls: 'F', title: 'LF without CR ending a start-line or field line', reference: 'RFC 9112 §2.2' },
  'bare-cr': { cls: 'F', title: 'CR not followed by LF', reference: 'RFC 9112 §2.2' },
  'invalid-chunk-size': { cls: 'F', title: 'Invalid chunk-size line', reference: 'RFC 9112 §7.1' },
  'chunk-size-overflow': { cls: 'F', title: 'Chunk size above 2^53-1', reference: 'RFC 9112 §7.1' },
  'chunk-size-long': { cls: 'I', title: 'Chunk-size token longer than 16 hex digits', reference: 'RFC 9112 §7.1' },
  'chunk-line-trailing-ws': { cls: 'F', title: 'Whitespace before the CRLF of a chunk line', reference: 'RFC 9112 §7.1.1' },
  'chunk-ext-bws': { cls: 'I', title: 'Whitespace around ; or = in a chunk extension', reference: 'RFC 9112 §7.1.1, RFC 9110 §5.6.3' },
  'chunk-ext-invalid': { cls: 'F', title: 'Invalid chunk extension', reference: 'RFC 9112 §7.1.1, RFC 9110 §5.6.2, §5.6.4' },
  'chunk-ext-ctl': { cls: 'F', title: 'Control character in a chunk extension', reference: 'RFC 9110 §5.6.2, §5.6.4' },
  'chunk-ext-too-long': { cls: 'F', title: 'Chunk extensions over the limit', reference: 'RFC 9112 §7.1.1' },
  'missing-chunk-crlf': { cls: 'F', title: 'No CRLF after chunk data', reference: 'RFC 9112 §7.1' },
  'truncated-chunk-data': { cls: 'E', title: 'Connection ended inside a chunk', reference: 'RFC 9112 §8' },
  'missing-terminator': { cls: 'E', title: 'Last chunk never arrived', reference: 'RFC 9112 §8' },
  'truncated-trailer-section': { cls: 'E', title: 'Connection ended inside the trailer section', reference: 'RFC 9112 §7.1, §8' },
  'truncated-headers': { cls: 'E', title: 'Connection ended inside the header section', reference: 'RFC 9112 §8' },
  'truncated-body': { cls: 'E', title: 'Body cut short', reference: 'RFC 9112 §6.3 rule 6, §8' },
  'trailer-invalid': { cls: 'F', title: 'Invalid trailer line', reference: 'RFC 9112 §7.1.2, §5' },
  'trailer-prohibited-field': { cls: 'I', title: 'Field not allowed in trailers', reference: 'RFC 9110 §6.5.1; RFC 9112 §7.1.2' },
  'obs-fold': { cls: 'F', title: 'Folded header line', reference: 'RFC 9112 §5.2' },
  'ws-before-colon': { cls: 'F', title: 'Whitespace between field name and colon', reference: 'RFC 9112 §5.1' },
  'invalid-field-char': { cls: 'F', title: 'Invalid character in a header field', reference: 'RFC 9110 §5.5, §5.1' },
  'cl-and-te': { cls: 'D', title: 'Both Content-Length and Transfer-Encoding', reference: 'RFC 9112 §6.1, §6.3 rule 3' },
  'te-in-http10': { cls: 'D', title: 'Transfer-Encoding in an HTTP/1.0 message', reference: 'RFC 9112 §6.1' },
  'te-not-chunked-final': { cls: 'X', title: 'Last transfer coding is not chunked', reference: 'RFC 9112 §6.3 rule 4' },
  'unknown-te': { cls: 'I', title: 'Unknown transfer coding', reference: 'RFC 9112 §6.1, §7' },
  'te-chunked-repeated': { cls: 'F', title: 'chunked applied more than once', reference: 'RFC 9112 §6.1' },
  'te-chunked-param': { cls: 'F', title: 'Parameters on chunked', reference: 'RFC 9112 §7.1' },
  'te-empty': { cls: 'F', title: 'Empty Transfer-Encoding', reference: 'RFC 9112 §6.1, §6.3 rule 4' },
  'te-empty-list-element': { cls: 'I', title: 'Empty element in the Transfer-Encoding list', reference: 'RFC 9110 §5.6.1.2' },
  'te-on-bodyless-response': { cls: 'I', title: 'Transfer-Encoding on a response without a body', reference: 'RFC 9112 §6.1, §6.3 rules 1-2' },
  'duplicate-cl': { cls: 'I', title: 'Content-Length sent more than once', reference: 'RFC 9112 §6.3 rule 5' },
  'invalid-cl': { cls: 'F', title: 'Invalid Content-Length', reference: 'RFC 9112 §6.3 rule 5' },
  'trailing-bytes-after-message': { cls: 'T', title: 'Bytes where no message may start', reference: 'RFC 9112 §6.3, §9.6' },
  'leading-empty-line': { cls: 'I', title: 'Empty line before the start-line', reference: 'RFC 9112 §2.2' },
  // Codes added by Chunkscope where a real case needed one (see the README's list).
  'invalid-start-line': { cls: 'F', title: 'Invalid start-line', reference: 'RFC 9112 §3, §4' },
  'header-section-too-long': { cls: 'F', title: 'Header section over the limit', reference: 'RFC 9112 §5 (limits), RFC 9110 §15.5.14' },
  'trailer-section-too-long': { cls: 'F', title: 'Trailer section over the limit', reference: 'RFC 9112 §7.1.2' },
  'chunk-size-line-too-long': { cls: 'F', title: 'Chunk-size token over the limit', reference: 'RFC 9112 §7.1' },
  // What went wrong between messages, found once the connection ended (main/analysis/findings.ts).
  'closed-early': { cls: 'E', title: 'Request never answered: the connection ended first', reference: 'RFC 9112 §9.6, §9.3.1' },
  'client-gave-up': { cls: 'E', title: 'The client gave up during a stall', reference: 'RFC 9112 §8' },
  'client-aborted': { cls: 'E', title: 'The client closed the connection before the response ended', reference: 'RFC 9112 §8' },
  // Where a request goes, and what the two ends may read differently (main/analysis/routing.ts).
  'host-conflict': { cls: 'X', title: 'More than one Host, or a Host that differs from the target', reference: 'RFC 9112 §3.2, §3.2.2' },
  'unrequested-upgrade': { cls: 'F', title: '101 Switching Protocols to a request without Upgrade', reference: 'RFC 9110 §15.2.2' },
  'request-after-upgrade': { cls: 'I', title: 'A request sent behind an Upgrade before its answer', reference: 'RFC 9110 §7.8' },
  // WebSocket frames after a 101 (main/websocket): D, the frame is read as its header says and
  // flagged (a conforming peer must fail the connection, RFC 6455 §7.1.7); F, frames are lost.
  'ws-unmasked-client-frame': { cls: 'D', title: 'Client frame not masked', reference: 'RFC 6455 §5.1, §5.3' },
  'ws-masked-server-frame': { cls: 'D', title: 'Server frame masked', reference: 'RFC 6455 §5.1' },
  'ws-reserved-bits': { cls: 'D', title: 'Reserved bits set that no extension defines', reference: 'RFC 6455 §5.2; RFC 7692 §6' },
  'ws-reserved-opcode': { cls: 'D', title: 'Reserved opcode', reference: 'RFC 6455 §5.2' },
  'ws-non-minimal-length': { cls: 'D', title: 'Payload length not in its shortest form', reference: 'RFC 6455 §5.2' },
  'ws-length-msb': { cls: 'F', title: '64-bit payload length with its most significant bit set', reference: 'RFC 6455 §5.2' },
  'ws-length-overflow': { cls: 'F', title: 'Payload length above 2^53-1', reference: 'RFC 6455 §5.2' },
  'ws-control-too-long': { cls: 'D', title: 'Control frame with more than 125 bytes of payload', reference: 'RFC 6455 §5.5' },
  'ws-control-fragmented': { cls: 'D', title: 'Fragmented control frame', reference: 'RFC 6455 §5.5' },
  'ws-unexpected-continuation': { cls: 'D', title: 'Continuation frame with no message to continue', reference: 'RFC 6455 §5.4' },
  'ws-interleaved-message': { cls: 'D', title: 'New message before the fragmented one ended', reference: 'RFC 6455 §5.4' },
  'ws-invalid-utf8': { cls: 'D', title: 'Text that is not valid UTF-8', reference: 'RFC 6455 §5.6, §8.1' },
  'ws-close-one-byte': { cls: 'D', title: 'Close frame with a 1-byte body', reference: 'RFC 6455 §5.5.1' },
  'ws-close-code-invalid': { cls: 'D', title: 'Close code that may not be sent', reference: 'RFC 6455 §7.4' },
  'ws-data-after-close': { cls: 'D', title: 'Frame sent after a Close frame', reference: 'RFC 6455 §5.5.1' },
  'ws-inflate-failed': { cls: 'D', title: 'Compressed message that cannot be decompressed', reference: 'RFC 7692 §7.2.2' },
  'ws-truncated-frame': { cls: 'E', title: 'Connection ended inside a WebSocket frame', reference: 'RFC 6455 §5.2, §7.1.5' },
  'ws-truncated-message': { cls: 'E', title: 'Connection ended inside a fragmented WebSocket message', reference: 'RFC 6455 §5.4, §7.1.5' },
  'ws-no-close-frame': { cls: 'E', title: 'WebSocket ended without the close handshake', reference: 'RFC 6455 §7.1.1, §7.1.5' },
} as const satisfies Record<string, AnomalyInfo>;

export type AnomalyCode = keyof typeof ANOMALIES;

export const ANOMALY_CODES = Object.keys(ANOMALIES) as AnomalyCode[];

/** Codes found by the connection's analysis (who ended it, stalls, requests and their answers), not by the parser of one direction. */
export const CONNECTION_FINDINGS = ['closed-early', 'client-gave-up', 'client-aborted', 'host-conflict', 'unrequested-upgrade', 'request-after-upgrade', 'ws-no-close-frame'] as const satisfies readonly AnomalyCode[];

export function isConnectionFinding(code: AnomalyCode): boolean {
  return (CONNECTION_FINDINGS as readonly AnomalyCode[]).includes(code);
}

/** Codes of WebSocket frames (main/websocket), not of HTTP/1.1 framing (`ws-before-colon` is HTTP's: whitespace). */
export const WEBSOCKET_CODES = [
  'ws-unmasked-client-frame',
  'ws-masked-server-frame',
  'ws-reserved-bits',
  'ws-reserved-opcode',
  'ws-non-minimal-length',
  'ws-length-msb',
  'ws-length-overflow',
  'ws-control-too-long',
  'ws-control-fragmented',
  'ws-unexpected-continuation',
  'ws-interleaved-message',
  'ws-invalid-utf8',
  'ws-close-one-byte',
  'ws-close-code-invalid',
  'ws-data-after-close',
  'ws-inflate-failed',
  'ws-truncated-frame',
  'ws-truncated-message',
  'ws-no-close-frame',
] as const satisfies readonly AnomalyCode[];

export function isWebSocketCode(code: AnomalyCode): boolean {
  return (WEBSOCKET_CODES as readonly AnomalyCode[]).includes(code);
}

/** The findings that tell how an exchange ended (a request lost, a client that gave up or left). */
export const END_FINDINGS = ['closed-early', 'client-gave-up', 'client-aborted'] as const satisfies readonly AnomalyCode[];

export function isEndFinding(code: AnomalyCode): boolean {
  return (END_FINDINGS as readonly AnomalyCode[]).includes(code);
}

export interface Anomaly {
  code: AnomalyCode;
  cls: AnomalyClass;
  /** Absolute byte offset from the first byte of that direction of the connection. */
  offset: number;
  /** A sentence a person understands. */
  message: string;
}

export function isAnomalyCode(value: string): value is AnomalyCode {
  return Object.hasOwn(ANOMALIES, value);
}

/** The strict verdict rule: F, D, E or T anywhere, or X on a request, is an error. */
export function isErrorAnomaly(cls: AnomalyClass, direction: Direction): boolean {
  if (cls === 'I') return false;
  if (cls === 'X') return direction === 'request';
  return true;
}

export function verdictOf(anomalies: readonly { cls: AnomalyClass }[], direction: Direction): 'ok' | 'error' {
  return anomalies.some((a) => isErrorAnomaly(a.cls, direction)) ? 'error' : 'ok';
}
