// What the end of the input makes of a message still open: the truncation verdicts. The
// parser says where it stopped (the state it was in and what it had of the element in
// hand); this says which bytes are left incomplete and which anomaly, in words, the end
// leaves, or that a close-delimited body is now complete.

import type { AnomalyCode } from '../../shared/anomalies';
import type { EndKind } from '../../shared/http1';
import * as say from './sentences';

/** Where the parser stopped when the input ended. */
export type Stopped =
  | { in: 'idle'; heldCr: { offset: number; length: number } | null; leadingEmptyLines: { start: number; count: number } | null }
  | { in: 'head' }
  /** `partialLine`: a size line that never got its LF (null: at a chunk boundary); `chunks`: whole chunks before it. */
  | { in: 'size-line'; partialLine: Uint8Array | null; chunks: number }
  /** Inside chunk #chunk (1-based) or the CRLF after it (`heldCr`: a CR of that CRLF, at that offset). */
  | { in: 'chunk-data'; chunk: number; received: number; size: number; heldCr: number | null }
  | { in: 'trailers' }
  | { in: 'length-body'; received: number; length: number }
  | { in: 'close-body' }
  | { in: 'raw' };

export interface EndVerdict {
  /** Spans left incomplete; `ofMessage`: they belong to the message in hand. */
  incomplete: { offset: number; length: number; ofMessage: boolean }[];
  anomalies: { code: AnomalyCode; offset: number; text: string; ofMessage: boolean }[];
  /** The input's end completed the message (a close-delimited body ended by a FIN). */
  complete: boolean;
}

/**
 * The verdict of the input ending at `at` by `kind` (`open`: the connection is still
 * open, and nothing is truncated), ended by `by`; `tls` says, for a FIN inside TLS,
 * whether close_notify came first.
 */
export function endOfInput(stopped: Stopped, kind: EndKind, by: say.Closer, tls: say.Ending['tls'], at: number): EndVerdict {
  const verdict: EndVerdict = { incomplete: [], anomalies: [], complete: false };
  const closed: say.Ending | null = kind === 'open' ? null : { who: by, kind, tls };
  const truncated = (code: AnomalyCode, text: string) => verdict.anomalies.push({ code, offset: at, text, ofMessage: true });
  switch (stopped.in) {
    case 'idle':
      // A lone CR that might have started a leading CRLF.
      if (stopped.heldCr) verdict.incomplete.push({ ...stopped.heldCr, ofMessage: false });
      if (stopped.leadingEmptyLines) {
        const { start, count } = stopped.leadingEmptyLines;
        verdict.anomalies.push({ code: 'leading-empty-line', offset: start, text: say.leadingEmptyLine(count), ofMessage: false });
      }
      break;
    case 'head':
      if (closed) truncated('truncated-headers', say.truncatedHeaders(closed, at));
      break;
    case 'size-line':
      if (closed) {
        const line = stopped.partialLine;
        const gap: say.TerminatorGap = line === null ? { where: 'boundary', chunks: stopped.chunks } : isZeros(line) ? { where: 'last-chunk-line' } : { where: 'size-line', chunk: stopped.chunks + 1 };
        truncated('missing-terminator', say.missingTerminator(closed, at, gap));
      }
      break;
    case 'chunk-data':
      if (stopped.heldCr !== null) verdict.incomplete.push({ offset: stopped.heldCr, length: 1, ofMessage: true });
      if (closed) truncated('truncated-chunk-data', say.truncatedChunkData(closed, at, stopped.chunk, stopped.received, stopped.size));
      break;
    case 'trailers':
      if (closed) truncated('truncated-trailer-section', say.truncatedTrailers(closed, at));
      break;
    case 'length-body':
      if (closed) truncated('truncated-body', say.truncatedLengthBody(closed, at, stopped.received, stopped.length));
      break;
    case 'close-body':
      if (kind === 'fin' && tls === 'truncation') truncated('truncated-body', say.truncatedTlsCloseDelimited(by, at));
      else if (kind === 'fin') verdict.complete = true;
      else if (kind === 'rst') truncated('truncated-body', say.resetCloseDelimited(by, at));
      break;
    case 'raw':
      break;
  }
  return verdict;
}

/** Whether a size line's token is all zeros: a last-chunk line (1*"0") cut short. */
function isZeros(line: Uint8Array): boolean {
  let i = 0;
  while (i < line.length && line[i] === 0x30) i++;
  const next = line[i];
  const hex = next !== undefined && ((next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x46) || (next >= 0x61 && next <= 0x66));
  return i > 0 && !hex;
}
