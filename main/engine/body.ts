// The body viewers' reads (the API's `body`): a slice of an exchange's request or response
// body, as sent or decoded, read from the capture on disk, with what was removed to get it
// and what its first bytes say (charset). The readers of the bodies looked at last are
// kept, so paging through a body goes on from where the previous slice stopped.

import { closeSync, openSync, readSync } from 'node:fs';
import { detectCharset, type BodySlice, type BodySliceArgs } from '../../shared/body';
import { exchangeName, parseExchangeId } from '../../shared/exchange-id';
import { fieldValue } from '../../shared/fields';
import { byteCount } from '../../shared/words';
import { parseContentEncoding } from '../stream';
import { DecodedBody, FIRST_BYTES } from './body-decoded';
import { SentBody } from './body-sent';
import { EngineError } from './errors';
import type { Session } from './session';

/** Readers kept (the bodies looked at last). */
const KEPT = 4;
/** A decoded body is read up to this many bytes (a compression bomb stops here). */
export const MAX_DECODED_BODY = 1024 * 1024 * 1024;

interface Reader {
  key: string;
  session: Session;
  fd: number;
  sent: SentBody;
  decoded: DecodedBody | null;
  busy: Promise<unknown>;
}

export class BodyReaders {
  private readers: Reader[] = [];

  async slice(session: Session, args: BodySliceArgs): Promise<BodySlice> {
    const reader = await this.readerFor(session, args);
    // One read at a time per body: a second waits for the first.
    const run = reader.busy.then(() => this.read(reader, args));
    reader.busy = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const reader of this.readers) closeSync(reader.fd);
    this.readers = [];
  }

  private async readerFor(session: Session, { id, direction }: BodySliceArgs): Promise<Reader> {
    const ref = parseExchangeId(id);
    const records = ref && session.records.get(ref.connection);
    if (!ref || !records) throw new EngineError(`no exchange "${id}" in this session`);
    await session.writer?.flush();
    const key = `${id} ${direction}`;
    let reader = this.readers.find((r) => r.key === key && r.session === session);
    if (!reader) {
      const fd = openSync(session.path, 'r');
      const read = (position: number, length: number) => readAt(fd, position, length);
      reader = { key, session, fd, sent: new SentBody(records, read, direction, ref.index, session.stallSeconds), decoded: null, busy: Promise.resolve() };
    }
    this.readers = [reader, ...this.readers.filter((r) => r !== reader)];
    for (const old of this.readers.splice(KEPT)) closeSync(old.fd);
    return reader;
  }

  private async read(reader: Reader, { id, direction, form, offset, length }: BodySliceArgs): Promise<BodySlice> {
    const { sent } = reader;
    await sent.reach(Math.max(offset + length, FIRST_BYTES));
    // A file's records are all there is: its body is over where they end.
    const sizeKnown = sent.done || (reader.session.kind === 'file' && sent.exhausted);
    if (!sent.found) {
      const name = exchangeName(parseExchangeId(id)!);
      throw new EngineError(sizeKnown ? `${name} has no ${direction} in this capture` : `${name}'s ${direction} has not arrived yet`);
    }
    const contentType = fieldValue(sent.headers, 'content-type');
    const contentEncoding = fieldValue(sent.headers, 'content-encoding');
    const encoding = parseContentEncoding(contentEncoding);
    const framingRemoved = sent.framing === 'chunked' ? (['chunk framing'] as const) : [];
    const base = { id, direction, form, framing: sent.framing, contentType, contentEncoding, sentSize: sent.length, complete: sent.complete, decodeFailure: null, limited: null };
    const decodable = encoding.codings.length > 0 && encoding.unsupported === null;
    if (form === 'sent' || !decodable) {
      const bytes = sent.bytes(offset, offset + length);
      return {
        ...base,
        offset: Math.min(offset, sent.length),
        bytes: base64(bytes),
        size: sent.length,
        sizeKnown,
        charset: detectCharset(contentType, sent.bytes(0, FIRST_BYTES)),
        removed: [...framingRemoved],
        stillEncoded: encoding.unsupported ?? (encoding.codings.length > 0 ? contentEncoding : null),
      };
    }
    reader.decoded ??= new DecodedBody(sent, encoding.codings, MAX_DECODED_BODY, () => sent.done || (reader.session.kind === 'file' && sent.exhausted));
    const decoded = reader.decoded;
    const bytes = await decoded.read(offset, offset + length);
    const failure = decoded.failure;
    return {
      ...base,
      offset: Math.min(offset, decoded.size),
      bytes: base64(bytes),
      size: decoded.size,
      sizeKnown: decoded.sizeKnown,
      charset: detectCharset(contentType, decoded.first),
      removed: [...framingRemoved, ...[...encoding.codings].reverse()],
      stillEncoded: null,
      decodeFailure: failure,
      limited: decoded.limited ? `the body decodes to more than ${byteCount(decoded.limit)}: it is read up to there` : null,
    };
  }
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) {
    const n = readSync(fd, buffer, at, length - at, position + at);
    if (n === 0) throw new EngineError('the capture is shorter than its index says');
    at += n;
  }
  return buffer;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}
