// A search run over a capture file, read once from the start in pieces (bounded
// memory, whatever the file's size): each connection's records go to its
// ConnectionSearch as they come, and a connection that ended is let go. The results
// gather in the context; whoever runs this (the worker thread of search-worker.ts, or a
// test) takes them as it goes.

import { closeSync, fstatSync, openSync } from 'node:fs';
import { fdPieces } from '../capture/file-pieces';
import { describeDamage, readRecords } from '../capture/reader';
import { ConnectionSearch } from './connection';
import type { SearchContext } from './context';

export interface ScanOptions {
  /** Read no further than this byte: a live capture grows while it is searched. Default: its size at the start. */
  until?: number;
  /** Told how far the reading got (a byte offset of the file). */
  progress?(done: number): void;
  /** Asked between records: true stops the search where it is. */
  cancelled?(): boolean;
}

export interface ScanSummary {
  /** Bytes of the capture read. */
  bytes: number;
  /** The search stopped before the end because it was cancelled. */
  cancelled: boolean;
}

/** The size a search of `path` reads (its size now). */
export function captureSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

function* upTo(pieces: Iterable<Uint8Array>, until: number): Generator<Uint8Array> {
  let at = 0;
  for (const piece of pieces) {
    if (at >= until) return;
    yield at + piece.length > until ? piece.subarray(0, until - at) : piece;
    at += piece.length;
  }
}

export async function searchCapture(path: string, context: SearchContext, options: ScanOptions = {}): Promise<ScanSummary> {
  const fd = openSync(path, 'r');
  try {
    const until = options.until ?? fstatSync(fd).size;
    let done = 0;
    const progress = (position: number) => {
      done = Math.min(position, until);
      options.progress?.(done);
    };
    const cancelled = await searchRecords(upTo(fdPieces(fd, 0, progress, false), until), context, options);
    return { bytes: done, cancelled };
  } finally {
    closeSync(fd);
  }
}

/** True when it was cancelled before the end. */
async function searchRecords(pieces: Iterable<Uint8Array>, context: SearchContext, options: ScanOptions): Promise<boolean> {
  const connections = new Map<number, ConnectionSearch>();
  let stallSeconds: number | undefined;
  for (const r of readRecords(pieces, { onDamage: (damage) => context.results.note(`the capture has ${describeDamage(damage)}`) })) {
    if (options.cancelled?.()) return true;
    switch (r.type) {
      case 'session':
        stallSeconds = r.stallSeconds;
        break;
      case 'end':
        break;
      case 'open':
        connections.set(r.connection, new ConnectionSearch(r, context, stallSeconds));
        break;
      case 'data': {
        const connection = connections.get(r.connection);
        if (connection) await connection.data(r);
        break;
      }
      default: {
        const connection = connections.get(r.connection);
        if (!connection) break;
        await connection.event(r);
        if (connection.ended) {
          await connection.finish();
          connections.delete(r.connection);
        }
      }
    }
  }
  for (const connection of connections.values()) await connection.finish();
  return false;
}
