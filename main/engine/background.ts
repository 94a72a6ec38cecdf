// The engine's work that grows with a file and cannot be cut into slices: parsing a HAR
// (one JSON.parse) or a packet capture (read whole), building and writing a HAR, finding
// a request to copy as curl or to compose from. It runs in a worker thread (worker.ts, started by
// off-thread.ts), never on the relay's event loop. Files in, files out: what comes back
// to the relay's thread is small (notes, a command line, a count).

import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { filePieces } from '../capture/file-pieces';
import { jsonPieces } from '../export/json-out';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '../capture/reader';
import { curlCommand } from '../export/curl';
import { captureToHar } from '../export/har';
import { excerptRecords, excerptSize, planExcerpt } from '../export/excerpt';
import type { ExchangeMark } from '../../shared/api';
import { requestForCurl } from '../export/request';
import { readSource } from '../import/source';
import { capturedRequests, type CapturedRequests } from '../compose/from-capture';
import { writeCaptureFile } from '../capture/write-file';

export type BackgroundTask =
  /** A HAR or a packet capture at `path`, written as a capture at `capture`. */
  | { task: 'import'; kind: 'har' | 'pcap'; path: string; capture: string }
  /** Request #index on c`connection` of the capture as a curl command; a body file goes in `bodyDir`. */
  | { task: 'curl'; capture: string; connection: number; index: number; bodyDir: string }
  /** The capture as HAR 1.2, written to `path` (0600); `only` some exchanges; `marks` instead of the capture's. */
  | { task: 'har'; capture: string; path: string; maxBodyBytes?: number; only?: string[]; marks?: [string, ExchangeMark][] }
  /** Exchanges `ids` of the capture as a capture of their own at `path` (export/excerpt.ts), with `marks`. */
  | { task: 'excerpt'; capture: string; path: string; ids: string[]; marks: [string, ExchangeMark][] }
  /** Requests `indexes` of c`connection` as plans that send them again byte for byte (the composer). */
  | { task: 'requests'; capture: string; connection: number; indexes: number[]; timing: boolean };

export type BackgroundResult<T extends BackgroundTask['task']> = {
  import: { notes: string[] };
  curl: { command: string; bodyFile: string | null } | null;
  har: { entries: number };
  requests: CapturedRequests;
  excerpt: { exchanges: number; missing: string[] };
}[T];

export function runTask<T extends BackgroundTask>(task: T): BackgroundResult<T['task']> {
  return run(task) as BackgroundResult<T['task']>;
}

function run(task: BackgroundTask): BackgroundResult<BackgroundTask['task']> {
  switch (task.task) {
    case 'import': {
      const source = readSource(task.kind, task.path, () => []);
      writeCaptureFile(task.capture, source.records);
      return { notes: source.notes };
    }
    case 'curl': {
      const found = requestForCurl(readRecords(filePieces(task.capture)), task.connection, task.index);
      if (!found) return null;
      // A binary or long body goes in a file of its own, private to the user, kept after
      // Chunkscope quits (the command needs it).
      const bodyFile = join(task.bodyDir, `c${task.connection}-${task.index + 1}-${Date.now()}.body`);
      const curl = curlCommand(found, bodyFile);
      if (curl.fileBody) writeFileSync(bodyFile, curl.fileBody, { mode: 0o600, flag: 'wx' });
      return { command: curl.command, bodyFile: curl.fileBody ? bodyFile : null };
    }
    case 'requests':
      return capturedRequests(readRecords(filePieces(task.capture)), task.connection, task.indexes, { timing: task.timing });
    case 'har': {
      const only = task.only ? new Set(task.only) : undefined;
      const har = captureToHar(readRecords(filePieces(task.capture)), { maxBodyBytes: task.maxBodyBytes, only, marks: task.marks ? new Map(task.marks) : undefined });
      // In pieces: the HAR of a capture of millions of chunks is longer than a string can hold.
      const fd = openSync(task.path, 'w', 0o600);
      try {
        for (const piece of jsonPieces(har)) writeSync(fd, piece);
      } finally {
        closeSync(fd);
      }
      return { entries: har.log.entries.length };
    }
    case 'excerpt': {
      // Read twice: where each exchange's bytes lie, then the copy.
      const plan = planExcerpt(readRecords(filePieces(task.capture)), task.ids);
      writeCaptureFile(task.path, excerptRecords(readRecords(filePieces(task.capture)), plan, new Map(task.marks)));
      return { exchanges: excerptSize(plan), missing: plan.missing };
    }
  }
}

/** One private folder per process for the bodies of curl commands. */
let curlBodies: string | undefined;

export function curlBodyDir(): string {
  return (curlBodies ??= mkdtempSync(join(tmpdir(), 'chunkscope-curl-')));
}

