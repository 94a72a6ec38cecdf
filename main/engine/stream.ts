// The Stream view of an exchange's response (issue 8): its body fed to main/stream in
// the pieces it arrived in (each chunk's data, split where network reads split it), so
// every item knows the chunks that carried it and when its last byte came.

import type { StreamViewResult } from '../../shared/api';
import type { MessageRecord } from '../../shared/ledger';
import { StreamView, type BodyPiece } from '../stream';
import type { ConnectionAnalyzer } from '../session/connection';

/** Bodies are viewed up to this many bytes (as sent); beyond, the view says where it stopped. */
export const MAX_STREAM_BODY = 64 * 1024 * 1024;

function header(m: MessageRecord, name: string): string | null {
  const values = m.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length ? values.join(', ') : null;
}

/** Body ranges of the stream, in order, with the chunk each belongs to (null when not chunked). */
function bodyRanges(m: MessageRecord): { from: number; to: number; chunk: number | null }[] {
  if (m.framing === 'chunked') return (m.chunks ?? []).map((c) => ({ from: c.dataOffset, to: c.dataOffset + c.dataLength, chunk: c.index }));
  if (m.bodyLength === 0) return [];
  return [{ from: m.end - m.bodyLength, to: m.end, chunk: null }];
}

export async function streamOf(
  analyzer: ConnectionAnalyzer,
  response: MessageRecord | null,
  bytes: (from: number, to: number) => Uint8Array,
  missing: string | null,
): Promise<StreamViewResult> {
  if (!response) return { kind: null, note: 'no response yet', decoding: null, items: [], errors: [], ended: false, streaming: true, limited: null };
  const view = new StreamView({ contentType: header(response, 'content-type'), contentEncoding: header(response, 'content-encoding') });
  const reads = [...analyzer.reads(1)];
  let read = 0;
  let fed = 0;
  let limited: string | null = null;
  const pushes: Promise<unknown>[] = [];
  for (const range of bodyRanges(response)) {
    let at = range.from;
    while (at < range.to) {
      if (fed >= MAX_STREAM_BODY) {
        limited = `the view stops after the first ${MAX_STREAM_BODY / 1024 / 1024} MiB of the body`;
        break;
      }
      // The read that carried byte `at`, and where it ends: one piece per read per chunk.
      while (read + 1 < reads.length && reads[read + 1]![0] <= at) read++;
      const [offset, length, time] = reads[read] ?? [at, range.to - at, analyzer.openedAt];
      const to = Math.min(range.to, offset + length, at + (MAX_STREAM_BODY - fed));
      const piece: BodyPiece = { bytes: bytes(at, to), time: time - analyzer.openedAt, chunk: range.chunk };
      pushes.push(view.push(piece));
      fed += to - at;
      at = to;
    }
    if (limited) break;
  }
  await Promise.all(pushes);
  const end = analyzer.streamEnd(1);
  const ended = response.complete || (end !== null && end.kind !== 'open');
  if (ended && !limited) {
    const reason = response.complete ? null : (missing ?? `the body ended early: the ${end?.by ?? 'server'} ${end?.kind === 'rst' ? 'reset the connection (RST)' : 'closed the connection (FIN)'}`);
    await view.end({ complete: response.complete, reason });
  }
  const report = view.report();
  return { ...report, note: report.note ?? limited, streaming: !ended, limited };
}
