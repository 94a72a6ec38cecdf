// A session's capture as files: copied whole as of now (for saving and downloading), as
// HAR, one request as a curl command; and a file opened, imported first when it is a HAR
// or a packet capture. The work that grows with a file runs in the worker thread.

import { appendFileSync, closeSync, copyFileSync, openSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiRequests, ExportedSelection, ExportSelection } from '../../shared/api';
import { parseExchangeId } from '../../shared/exchange-id';
import { fileStart } from '../capture/file-pieces';
import { encodeEvent } from '../capture/format';
import { sourceKind } from '../import/source';
import { EXCERPT_LEAVES_OUT } from '../export/excerpt';
import { curlBodyDir } from './background';
import { EngineError } from './errors';
import { offThread } from './off-thread';
import type { Session } from './session';

/** The session's capture, complete so far. */
export async function captureFile(session: Session): Promise<string> {
  await session.writer?.flush();
  return session.path;
}

/**
 * The session's capture as a whole file as of now: its first `size` bytes, then `tail`.
 * A live capture gets an `end` record in the copy, so it opens as ended cleanly, with the
 * connections still open then read as open (not as a capture cut short). A file's marks
 * made since it was opened follow its records (a reader takes the last mark of each).
 */
export async function captureCopy(session: Session, now: number): Promise<{ path: string; size: number; tail: Uint8Array }> {
  const path = await captureFile(session);
  // A file's last record cut short (the proxy was killed mid-write) is left out: records follow it in the copy.
  const size = session.kind === 'file' && session.wholeBytes !== null ? session.wholeBytes : statSync(path).size;
  const end = session.kind === 'live' ? encodeEvent({ type: 'end', time: now }) : new Uint8Array();
  return { path, size, tail: Buffer.concat([end, session.marks.tail()]) };
}

export async function saveCapture(session: Session, path: string, now: number): Promise<{ path: string; bytes: number }> {
  const copy = await captureCopy(session, now);
  if (copy.path !== path) {
    copyFileSync(copy.path, path);
    truncateSync(path, copy.size);
    appendFileSync(path, copy.tail);
  } else if (session.kind === 'file') {
    // Saved over the file it was opened from: its new marks are added after its records.
    truncateSync(path, copy.size);
    appendFileSync(path, session.marks.tail());
    session.wholeBytes = statSync(path).size;
  }
  session.saved(path);
  return { path, bytes: statSync(path).size };
}

/** Built, turned into text and written in a worker thread: the relay goes on meanwhile. */
export async function saveHar(session: Session, path: string, maxBodyBytes?: number): Promise<ApiRequests['saveHar']['result']> {
  const capture = await captureFile(session);
  const { entries } = await offThread({ task: 'har', capture, path, maxBodyBytes, marks: session.marks.all() });
  return { path, entries };
}

/** Some exchanges alone, as a capture or HAR, made in the worker thread from the session's capture. */
export async function exportSelected(session: Session, { ids, format, path, maxBodyBytes }: ExportSelection & { path: string }): Promise<ExportedSelection> {
  const unknown = ids.filter((id) => !session.rows.has(id));
  if (unknown.length > 0) throw new EngineError(`no exchange ${unknown.slice(0, 3).map(exchangeNameOf).join(', ')}${unknown.length > 3 ? ` (and ${unknown.length - 3} more)` : ''} in this session: choose the exchanges again`);
  const capture = await captureFile(session);
  const marks = session.marks.all();
  if (format === 'har') {
    const { entries } = await offThread({ task: 'har', capture, path, maxBodyBytes, only: ids, marks });
    return { path, format, exchanges: entries, bytes: statSync(path).size, leftOut: null };
  }
  const { exchanges } = await offThread({ task: 'excerpt', capture, path, ids, marks });
  return { path, format, exchanges, bytes: statSync(path).size, leftOut: EXCERPT_LEAVES_OUT };
}

function exchangeNameOf(id: string): string {
  const ref = parseExchangeId(id);
  return ref ? `c${ref.connection}#${ref.index + 1}` : id;
}

export async function curlCommand(session: Session, id: string): Promise<ApiRequests['curlCommand']['result']> {
  const ref = parseExchangeId(id);
  if (!ref) throw new EngineError(`no exchange "${id}"`);
  const capture = await captureFile(session);
  // The capture is read up to that request in a worker thread: the relay goes on meanwhile.
  const curl = await offThread({ task: 'curl', capture, connection: ref.connection, index: ref.index, bodyDir: curlBodyDir() });
  if (!curl) throw new EngineError(`no request #${ref.index + 1} on c${ref.connection}`);
  return curl;
}

/**
 * A file to open as a capture: a capture as it is; a HAR or a packet capture imported into
 * `dir` first (parsed whole: in the worker thread). `shownAs`: the name the user knows it by.
 */
export async function asCapture(path: string, shownAs: string, dir: string, n: number): Promise<{ capture: string; imported: Session['imported'] }> {
  const kind = sourceKind(readStart(path));
  if (!kind) throw new EngineError(`${shownAs} is not a capture, a HAR or a pcap/pcapng file`);
  if (kind === 'capture') return { capture: path, imported: null };
  const capture = join(dir, `import-${n}.cscap`);
  try {
    const { notes } = await offThread({ task: 'import', kind, path, capture });
    return { capture, imported: { kind, notes } };
  } catch (error) {
    // What is wrong and where (the reader's sentence ends "at byte N"), and in which file.
    throw new EngineError(`${shownAs}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readStart(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    return fileStart(fd);
  } finally {
    closeSync(fd);
  }
}
