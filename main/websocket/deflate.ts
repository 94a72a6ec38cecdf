// Per-message compression (RFC 7692): what the handshake put in effect, and the message
// inflater of one sender. A compressed message is its frames' payloads joined, plus the
// four bytes 00 00 FF FF its sender took off (§7.2.2), inflated raw. Unless the handshake
// said `*_no_context_takeover`, a sender's messages share one LZ77 window: each message
// may refer back to the 32 KiB of text before it, so that window is handed to zlib as the
// dictionary of the next message (a raw inflater takes one at once, RFC 1951 has no
// header to ask for it).

import zlib from 'node:zlib';
import type { DeflateParams, WsSender } from '../../shared/websocket';
import { size } from '../../shared/words';
import type { WebSocketLimits } from './limits';

/** One sender's side of permessage-deflate. */
export type DeflateSide = DeflateParams;

export interface Negotiated {
  /** permessage-deflate, as the server's 101 accepted it; null when not in effect. */
  deflate: Record<WsSender, DeflateSide> | null;
  /** Other extensions the server accepted: what their reserved bits mean cannot be judged. */
  others: string[];
}

/** The extensions in effect, from the 101's Sec-WebSocket-Extensions (RFC 6455 §9.1; RFC 7692 §7.1). */
export function negotiatedExtensions(header: string | null): Negotiated {
  const out: Negotiated = { deflate: null, others: [] };
  if (header === null) return out;
  for (const extension of header.split(',')) {
    const [name = '', ...params] = extension.split(';').map((p) => p.trim());
    if (name === '') continue;
    if (name.toLowerCase() !== 'permessage-deflate' || out.deflate) {
      out.others.push(name);
      continue;
    }
    const deflate = { client: { contextTakeover: true, maxWindowBits: 15 }, server: { contextTakeover: true, maxWindowBits: 15 } };
    for (const param of params) {
      const [key = '', raw = ''] = param.split('=').map((p) => p.trim());
      const value = Number(raw.replace(/^"(.*)"$/, '$1'));
      const bits = Number.isInteger(value) && value >= 8 && value <= 15 ? value : 15;
      switch (key.toLowerCase()) {
        case 'client_no_context_takeover':
          deflate.client.contextTakeover = false;
          break;
        case 'server_no_context_takeover':
          deflate.server.contextTakeover = false;
          break;
        case 'client_max_window_bits':
          deflate.client.maxWindowBits = bits;
          break;
        case 'server_max_window_bits':
          deflate.server.maxWindowBits = bits;
          break;
      }
    }
    out.deflate = deflate;
  }
  return out;
}

/** The end of every compressed message, which its sender took off (RFC 7692 §7.2.1). */
const TAIL = Uint8Array.from([0x00, 0x00, 0xff, 0xff]);
const WINDOW = 32 * 1024;

/**
 * A sender's messages may decompress, all told, to this many times their size as sent,
 * plus FREE_INFLATE: real traffic compresses a few times over (JSON about ten), while a
 * stream of decompression bombs would make the relay inflate a thousand times what it
 * carries. Past it a message is counted, not decompressed. It depends on the bytes alone,
 * so the live analysis, a detail and `inspect` all decide the same.
 */
export const INFLATE_RATIO = 32;
export const FREE_INFLATE = 16 * 1024 * 1024;

export type Inflated =
  | { kind: 'ok'; data: Uint8Array }
  /** zlib refused the data: a finding. */
  | { kind: 'failed'; reason: string }
  /** Not decompressed, by a limit of the analysis or a message before it: no finding. */
  | { kind: 'skipped'; note: string };

export class MessageInflater {
  private window: Uint8Array = new Uint8Array(0);
  /** Bytes of this sender's compressed messages seen, and what they decompressed to. */
  private sent = 0;
  private inflated = 0;
  /** Why later messages cannot be decompressed any more (their context is lost). */
  private lost: string | null = null;

  constructor(
    private readonly side: DeflateSide,
    private readonly limits: Pick<WebSocketLimits, 'maxDeflateInput' | 'maxDeflateOutput'>,
  ) {}

  /** A message that cannot be inflated (too big to hold, cut short) was counted only: with a shared window, the ones after it cannot be either. */
  skip(index: number, why: string): Inflated {
    if (this.lost) return { kind: 'skipped', note: this.lost };
    this.loseContext(index, `was not decompressed (${why})`);
    return { kind: 'skipped', note: why };
  }

  /** Message #index (of its sender), its payload as sent. */
  inflate(index: number, parts: readonly Uint8Array[], length: number): Inflated {
    if (this.lost) return { kind: 'skipped', note: this.lost };
    this.sent += length;
    const allowance = INFLATE_RATIO * this.sent + FREE_INFLATE - this.inflated;
    const maxOutputLength = Math.min(this.limits.maxDeflateOutput, allowance);
    const bomb = maxOutputLength < this.limits.maxDeflateOutput;
    if (maxOutputLength <= 0) return this.overLimit(index, bomb);
    const input = new Uint8Array(length + TAIL.length);
    let at = 0;
    for (const part of parts) {
      input.set(part, at);
      at += part.length;
    }
    input.set(TAIL, at);
    let data: Uint8Array;
    try {
      data = zlib.inflateRawSync(input, {
        // The message ends at a block boundary, not at the end of a deflate stream.
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: Math.max(1, maxOutputLength),
        ...(this.side.contextTakeover && this.window.length > 0 ? { dictionary: this.window } : {}),
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ERR_BUFFER_TOO_LARGE') return this.overLimit(index, bomb);
      this.loseContext(index, 'could not be decompressed');
      return { kind: 'failed', reason: e.message };
    }
    this.inflated += data.length;
    if (this.side.contextTakeover) this.keepWindow(data);
    return { kind: 'ok', data };
  }

  private overLimit(index: number, bomb: boolean): Inflated {
    const note = bomb
      ? `this side's messages would decompress to more than ${INFLATE_RATIO} times their size as sent (a guard against decompression bombs)`
      : `it decompresses to more than ${size(this.limits.maxDeflateOutput)}, the analysis' limit`;
    this.loseContext(index, `was not decompressed (${note})`);
    return { kind: 'skipped', note };
  }

  private keepWindow(data: Uint8Array): void {
    if (data.length >= WINDOW) {
      this.window = data.slice(data.length - WINDOW);
    } else if (data.length > 0) {
      const keep = Math.min(this.window.length, WINDOW - data.length);
      const next = new Uint8Array(keep + data.length);
      next.set(this.window.subarray(this.window.length - keep));
      next.set(data, keep);
      this.window = next;
    }
  }

  private loseContext(index: number, what: string): void {
    if (!this.side.contextTakeover || this.lost) return;
    this.lost = `message #${index + 1} ${what}, and each message after it may refer back to it (context takeover, RFC 7692 §7.2.3)`;
  }
}
