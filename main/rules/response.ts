// Response rules: what the client receives. Each response is matched by the request it
// answers (method, host, path); the first rule of each kind that applies acts on it:
//   drop-last-chunk          the zero-length last chunk and trailers are not sent: the
//                            client gets a FIN instead;
//   stall-after-chunks:N     after N chunks nothing more is sent (for S seconds, or
//                            until the connection ends);
//   reset-after-bytes:N      the first N bytes of the response, then an RST;
//   rechunk:K                the chunk data re-framed in K-byte chunks (a partial chunk
//                            goes out when the origin's bytes so far are all framed, so
//                            a stream is not held back); extensions are dropped,
//                            the last chunk and trailers are kept as sent;
//   delay-chunks:MS          MS milliseconds before each chunk after the first;
//   break-response[:N]       the response (not an interim 1xx) is held at a breakpoint,
//                            for the user to step (stepping.ts); other rules leave it alone.
// Bytes no rule touches pass through unchanged, in the origin's order.

import type { Http1Event } from '../../shared/http1';
import { isSpanEvent } from '../../shared/http1';
import { rulesFor, type RequestFacts, type Rule, type RuleAction, type RuleKind } from '../../shared/rules';
import { howItEnded } from '../../shared/words';
import { Http1Parser } from '../http1';
import { ByteQueue, OpList, splitPieces, totalLength, type Op } from './ops';
import type { HoldMessage } from './request';
import type { HeldGate } from './stepping';

type ActionOf<K extends RuleKind> = Extract<RuleAction, { kind: K }>;

interface ResponseState {
  message: number;
  exchange: number;
  rules: Map<RuleKind, Rule>;
  chunked: boolean;
  /** Chunk-size lines seen (origin chunks). */
  chunks: number;
  /** Bytes sent of this response. */
  delivered: number;
  stalled: boolean;
  delayed: boolean;
  /** rechunk: data not yet framed, and chunks sent. */
  buffer: Uint8Array[];
  buffered: number;
  outChunks: number;
  rechunked: boolean;
}

export class ResponseRewriter {
  private readonly parser: Http1Parser;
  private readonly input = new ByteQueue();
  private readonly out = new OpList();
  private current: ResponseState | null = null;
  /** After a FIN or RST of a rule: the rest is not sent. */
  private done = false;
  private ended = false;
  /** The message held at a breakpoint: its parts go to its gate until it is over. */
  private held: { message: number; gate: HeldGate } | null = null;

  constructor(
    private readonly rules: () => readonly Rule[],
    /** The facts of request #i as sent to the origin. */
    private readonly facts: (index: number) => RequestFacts | undefined,
    /** A 101 or a 2xx to CONNECT: what follows both ways is a tunnel. */
    private readonly tunnel: () => void = () => undefined,
    private readonly holdMessage: HoldMessage = () => null,
  ) {
    this.parser = new Http1Parser('response', { requestMethod: (i) => (facts(i) ? facts(i)!.method : undefined) });
  }

  push(bytes: Uint8Array): Op[] {
    if (this.ended) return [];
    this.input.push(bytes);
    for (const e of this.parser.feed(bytes)) this.event(e);
    this.held?.gate.arrived();
    const m = this.current;
    if (m && !this.done && m.buffered > 0) this.rechunk(m, true);
    return this.out.drain();
  }

  /** The origin ended its side; `op` is passed on after everything before it. */
  end(op: Extract<Op, { op: 'end' }>): Op[] {
    if (!this.done) {
      // An RST after the FIN (a write the origin refused): the parser has its end already.
      if (!this.ended) for (const e of this.parser.end(op.how === 'fin' || op.how === 'close-notify' ? 'fin' : 'rst')) this.event(e);
      this.ended = true;
      this.letGo(howItEnded({ who: 'server', how: op.how, detail: op.detail }));
      const m = this.current;
      if (m && m.buffered > 0) this.rechunk(m, true);
      this.out.push(op);
    }
    return this.out.drain();
  }

  private event(e: Http1Event): void {
    if (e.type === 'message-start') {
      const facts = e.requestIndex !== null ? this.facts(e.requestIndex) : undefined;
      const rules = facts ? rulesFor(this.rules(), facts, 'response') : new Map<RuleKind, Rule>();
      this.current =
        rules.size === 0
          ? null
          : { message: e.message, exchange: e.requestIndex ?? e.message, rules, chunked: false, chunks: 0, delivered: 0, stalled: false, delayed: false, buffer: [], buffered: 0, outChunks: 0, rechunked: false };
      return;
    }
    const m = this.current;
    if (e.type === 'framing') {
      if (m && e.message === m.message) m.chunked = e.framing === 'chunked';
      if (this.held?.message === e.message) this.held.gate.framing(e.framing, e.contentLength);
      if (e.tunnel) this.tunnel();
      return;
    }
    if (e.type === 'message-complete') {
      if (m && e.message === m.message) this.current = null;
      if (this.held?.message === e.message) this.letGo();
      return;
    }
    if (!isSpanEvent(e)) return;
    const pieces = this.input.take(e.length);
    if (this.done) return;
    if (this.held?.message === e.message) return this.held.gate.span(e, pieces);
    this.letGo(); // bytes after it (after a framing error): its message is over
    const breakpoint = m && e.message === m.message && e.type === 'start-line' && (e.response?.status ?? 200) >= 200 ? this.rule(m, 'break-response') : null;
    if (breakpoint) {
      const gate = this.holdMessage(m!.exchange, breakpoint, () => (this.done = true));
      if (gate) {
        this.held = { message: m!.message, gate };
        this.out.push({ op: 'step', gate });
        gate.span(e, pieces);
        return;
      }
    }
    // Re-chunked data waiting to go out goes before any bytes that are not chunk framing.
    if (m && m.buffered > 0 && e.type !== 'chunk-data' && e.type !== 'chunk-size' && e.type !== 'chunk-crlf' && e.type !== 'last-chunk') this.rechunk(m, true);
    if (!m || e.message !== m.message) return this.send(null, pieces);
    const rechunk = m.chunked ? this.rule(m, 'rechunk') : null;
    switch (e.type) {
      case 'chunk-size': {
        const index = m.chunks++;
        if (rechunk) {
          this.stallBefore(m, index);
          return; // re-framed with the data
        }
        this.stallBefore(m, index);
        if (this.done) return;
        if (index > 0) this.delay(m);
        return this.send(m, pieces);
      }
      case 'chunk-data':
        if (rechunk) {
          m.buffer.push(...pieces);
          m.buffered += e.length;
          if (m.buffered >= rechunk.action.size) this.rechunk(m, false);
          return;
        }
        return this.send(m, pieces);
      case 'chunk-crlf':
        if (rechunk) return;
        return this.send(m, pieces);
      case 'last-chunk': {
        if (rechunk && m.buffered > 0) this.rechunk(m, true);
        this.stallBefore(m, m.chunks);
        if (this.done) return;
        const drop = this.rule(m, 'drop-last-chunk');
        if (drop && m.chunked) {
          this.applied(m, drop, `withheld the last chunk after ${m.chunks} chunk${m.chunks === 1 ? '' : 's'} and closed the connection (FIN)`);
          this.out.push({ op: 'fin' });
          this.done = true;
          return;
        }
        if ((rechunk ? m.outChunks : m.chunks) > 0) this.delay(m);
        return this.send(m, pieces);
      }
      default:
        return this.send(m, pieces);
    }
  }

  /** The held message is over (complete, or its sender ended: `senderEnd`, in words). */
  private letGo(senderEnd: string | null = null): void {
    const held = this.held;
    this.held = null;
    held?.gate.ended(senderEnd);
  }

  private rule<K extends RuleKind>(m: ResponseState, kind: K): (Rule & { action: ActionOf<K> }) | null {
    return (m.rules.get(kind) as (Rule & { action: ActionOf<K> }) | undefined) ?? null;
  }

  private applied(m: ResponseState, rule: Rule, effect: string): void {
    this.out.push({ op: 'applied', direction: 'response', exchange: m.exchange, rule: rule.text, effect });
  }

  /** stall-after-chunks: before chunk #index+1 (or the last chunk) once N chunks are through. */
  private stallBefore(m: ResponseState, index: number): void {
    const stall = this.rule(m, 'stall-after-chunks');
    if (!stall || !m.chunked || m.stalled || index !== stall.action.chunks) return;
    m.stalled = true;
    if (m.buffered > 0) this.rechunk(m, true);
    const seconds = stall.action.seconds;
    this.applied(m, stall, `stalled after ${index} chunk${index === 1 ? '' : 's'}${seconds === null ? ' (until the connection ends)' : ` for ${seconds} s`}`);
    this.out.push({ op: 'hold', ms: seconds === null ? null : seconds * 1000 });
  }

  private delay(m: ResponseState): void {
    const delay = this.rule(m, 'delay-chunks');
    if (!delay || delay.action.ms === 0) return;
    if (!m.delayed) {
      m.delayed = true;
      this.applied(m, delay, `waited ${delay.action.ms} ms before each chunk after the first`);
    }
    this.out.push({ op: 'wait', ms: delay.action.ms });
  }

  /** Frame buffered data in K-byte chunks (and, with `all`, the rest as a shorter one). */
  private rechunk(m: ResponseState, all: boolean): void {
    const rule = this.rule(m, 'rechunk')!;
    const size = rule.action.size;
    if (!m.rechunked) {
      m.rechunked = true;
      this.applied(m, rule, `re-chunked the data to ${size}-byte chunks`);
    }
    while (m.buffered >= size || (all && m.buffered > 0)) {
      const n = Math.min(size, m.buffered);
      const [data, rest] = splitPieces(m.buffer, n);
      m.buffer = rest;
      m.buffered -= n;
      if (m.outChunks > 0) this.delay(m);
      this.send(m, [Buffer.from(`${n.toString(16)}\r\n`, 'latin1'), ...data, Buffer.from('\r\n', 'latin1')]);
      m.outChunks++;
      if (this.done) return;
    }
  }

  /** Send bytes of message `m` (null: bytes outside any ruled message). */
  private send(m: ResponseState | null, pieces: Uint8Array[]): void {
    if (this.done) return;
    const reset = m ? this.rule(m, 'reset-after-bytes') : null;
    if (m && reset) {
      const room = reset.action.bytes - m.delivered;
      const length = totalLength(pieces);
      if (length >= room) {
        this.out.bytes(splitPieces(pieces, room)[0]);
        m.delivered += room;
        this.applied(m, reset, `reset the connection (RST) after ${reset.action.bytes} bytes of the response`);
        this.out.push({ op: 'reset' });
        this.done = true;
        return;
      }
      m.delivered += length;
    }
    this.out.bytes(pieces);
  }
}
