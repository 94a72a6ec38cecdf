// The capture format (FORMAT.md beside this file): records and their encoding.

import type { TlsSide } from '../../shared/capture';

export const MAGIC = Uint8Array.from([0x89, 0x43, 0x53, 0x43, 0x41, 0x50, 0x0d, 0x0a]);
export const VERSION = 1;
export const HEADER_LENGTH = MAGIC.length + 2;
export const RECORD_HEADER = 5;
export const DATA_HEADER = 14;

export const enum RecordType {
  Event = 1,
  Data = 2,
}

/**
 * 0: bytes the client sent; 1: bytes the client received. With rules (main/rules):
 * 2: bytes sent to the origin; 3: bytes the origin sent (before the rules).
 */
export type StreamId = 0 | 1 | 2 | 3;
/** The client's side: what it sent (0) and received (1). */
export type ClientStream = 0 | 1;

/** fin: a TCP FIN (on TLS: without close_notify, a truncation); close-notify: TLS close_notify, then the FIN. */
export type CloseKind = 'fin' | 'close-notify' | 'rst' | 'error' | 'timeout' | 'open';
export type CloseSide = 'client' | 'upstream';

export type CaptureEvent =
  | { type: 'session'; version: number; startedAt: string; tool: string; mode: 'forward' | 'reverse'; listen: string; reverse: string | null; stallSeconds?: number }
  | { type: 'open'; connection: number; time: number; client: string; mode: 'forward' | 'reverse' }
  | { type: 'upstream'; connection: number; time: number; upstream: string; target: string }
  | { type: 'upstream-failed'; connection: number; time: number; target: string; reason: string; code: string | null }
  | { type: 'rewrite'; connection: number; time: number; stream: StreamId; offset: number; length: number; replacement: string; reason: string }
  | { type: 'rule'; connection: number; time: number; direction: 'request' | 'response'; exchange: number; rule: string; effect: string }
  | { type: 'tunnel'; connection: number; time: number; target: string; intercepted: boolean; inside?: 'tls' | 'http' }
  | ({ type: 'tls'; connection: number; time: number; side: 'client' | 'upstream'; via: number | null } & TlsFields)
  | { type: 'tls-failed'; connection: number; time: number; side: 'client' | 'upstream'; reason: string; code: string | null }
  | { type: 'close'; connection: number; time: number; side: CloseSide; kind: CloseKind; by: 'peer' | 'proxy'; detail: string | null }
  | { type: 'stall'; connection: number; time: number; direction: 'request' | 'response'; exchange: number; since: number; waitingFor: string }
  | ClientEvent
  | ImportedEvent
  | MarkEvent
  | { type: 'end'; time: number };

/**
 * A person's mark on an exchange: pinned or not, and a comment ('' for none). Marks are
 * appended as they are made or changed; the last one of an exchange is the one that holds
 * (an unpinned, uncommented mark takes an earlier one back). They say nothing about the
 * traffic: the analysis never reads them.
 */
export interface MarkEvent {
  type: 'mark';
  connection: number;
  time: number;
  /** The exchange on its connection, 0-based (request #exchange+1). */
  exchange: number;
  pinned: boolean;
  comment: string;
}

/**
 * A connection that was not seen by the proxy but imported (a HAR, a packet capture):
 * a direct client-server connection, where the upstream side's ends are the server's.
 * `recordedBodies`: for a HAR without chunk data, the body length of each message as
 * recorded (null: framing known, read the headers), so that the framing is shown as
 * unknown rather than invented.
 */
export interface ImportedEvent {
  type: 'imported';
  connection: number;
  time: number;
  source: 'har' | 'pcap';
  note: string;
  recordedBodies: { request: (number | null)[]; response: (number | null)[] } | null;
}

/**
 * Which client made the connection, when Chunkscope launched it (`chunkscope run`, a
 * browser): known because the client was given a proxy port of its own (main/clients).
 * A decrypted HTTPS session carries the tag of its CONNECT.
 */
export interface ClientEvent {
  type: 'client';
  connection: number;
  time: number;
  /** `run`, `browser`, `probe` or `chunkscope` (ClientTag); a reader shows any other as it is. */
  launched: string;
  tag: string;
}

/**
 * What a launched client is called: the command line, or the browser's name. `chunkscope`:
 * the connection is Chunkscope's own (the composer's `send`), so its end is the tool's decision.
 */
export interface ClientTag {
  launched: 'run' | 'browser' | 'probe' | 'chunkscope';
  tag: string;
}

/** What a TLS handshake settled (shared/capture.ts TlsSide). */
export type TlsFields = TlsSide;

export interface DataRecord {
  type: 'data';
  connection: number;
  stream: StreamId;
  generated: boolean;
  time: number;
  bytes: Uint8Array;
  /** File position of the bytes (set by the reader). */
  position?: number;
}

export type CaptureRecord = CaptureEvent | DataRecord;

export function fileHeader(): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.set(MAGIC, 0);
  header.writeUInt16LE(VERSION, MAGIC.length);
  return header;
}

export function isCapture(start: Uint8Array): boolean {
  if (start.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (start[i] !== MAGIC[i]) return false;
  return true;
}

export function encodeEvent(event: CaptureEvent): Buffer {
  const json = Buffer.from(JSON.stringify(event), 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER + json.length);
  record.writeUInt8(RecordType.Event, 0);
  record.writeUInt32LE(json.length, 1);
  json.copy(record, RECORD_HEADER);
  return record;
}

/** The header of a data record; the bytes follow it unchanged (no copy). */
export function encodeDataHeader(connection: number, stream: StreamId, generated: boolean, time: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER + DATA_HEADER);
  header.writeUInt8(RecordType.Data, 0);
  header.writeUInt32LE(DATA_HEADER + length, 1);
  header.writeUInt32LE(connection, RECORD_HEADER);
  header.writeUInt8(stream, RECORD_HEADER + 4);
  header.writeUInt8(generated ? 1 : 0, RECORD_HEADER + 5);
  header.writeDoubleLE(time, RECORD_HEADER + 6);
  return header;
}
