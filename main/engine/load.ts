// Opening a capture for viewing: read it in pieces, index each connection's records,
// analyse them (counts only), and let rows go out as it goes, so the first ones show
// long before a big capture is read. It runs beside the live proxy, on its event loop:
// no stretch of it is longer than SLICE_MS (then the relay gets a turn), and nothing in
// it costs more than once per record (the work grows with the file, never faster).

import { closeSync, openSync } from 'node:fs';
import { fdPieces } from '../capture/file-pieces';
import { readRecords } from '../capture/reader';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import type { Session } from './session';

/** Hand rows out and let other work (the relay) run this often while loading. */
const SLICE_MS = 10;

/** Read `path` into `session`; `progress(bytesRead)` returns false to stop (the session was replaced). */
export async function loadCapture(path: string, session: Session, progress: (done: number) => boolean): Promise<{ startedAt: string | null }> {
  const fd = openSync(path, 'r');
  let position = 0;
  let startedAt: string | null = null;
  const pieces = () => fdPieces(fd, 0, (at) => (position = at), false);
  // Counts only (flat memory); the capture's own stall threshold once its session record says it.
  const analysis = new CaptureAnalysis({ keepChunks: false }, {
    session: (record) => {
      startedAt = record.startedAt;
      if (analysis.stallSeconds !== undefined) session.stallSeconds = analysis.stallSeconds;
    },
    opened: (a, record) => session.opened(a, record),
    data: (_a, record) => session.data(record.connection, record.stream, record.generated, record.time, record.bytes.length, record.position ?? -1),
    event: (_a, record) => session.event(record.connection, record),
    mark: (record) => session.markChanged(session.marks.read(record)),
  });
  const analyzers = analysis.connections;
  try {
    const records = readRecords(pieces());
    let sliceStart = performance.now();
    const due = () => performance.now() - sliceStart >= SLICE_MS;
    // After a slice the relay gets a turn, then `progress` (which may make rows) runs in a
    // turn of its own, then the relay again: the two never add up to one long stretch.
    const stopAfterPause = async (): Promise<boolean> => {
      await new Promise((resolve) => setImmediate(resolve));
      if (!progress(position)) return true;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
      return false;
    };
    let step = records.next();
    for (; !step.done; step = records.next()) {
      analysis.add(step.value);
      if (due() && (await stopAfterPause())) return { startedAt };
    }
    session.wholeBytes = position - step.value.truncatedBytes;
    // Whatever was still open when the capture ended stays open: nothing is truncated.
    for (const a of analyzers.values()) {
      a.finish();
      session.changed(a.number);
      if (due() && (await stopAfterPause())) return { startedAt };
    }
    progress(position);
    return { startedAt };
  } finally {
    closeSync(fd);
  }
}
