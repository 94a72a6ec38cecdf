// Request rules: what the origin receives. The head of each request is held until it
// is whole (a rule matches on method, host and path); then, by the first rule of each
// kind that applies:
//   reset-after-requests:N  the (N+1)th matching request on the connection is not sent:
//                           the connection is reset (RST), as IIS 6 did;
//   dechunk-requests        a chunked body is collected and sent with Content-Length
//                           (trailers dropped; Expect: 100-continue dropped, the body being
//                           whole); over MAX_DECHUNK, or past the budget of all
//                           connections' rewrites (budget.ts), it is sent chunked as it was;
//   chunk-requests:K        a Content-Length body is sent chunked in K-byte chunks;
//   break-request[:N]       the request is held at a breakpoint, for the user to step
//                           (stepping.ts); other rules leave it alone.
// Everything else passes through unchanged, byte for byte.

import type { Framing, Http1Event } from '../../shared/http1';
import { isSpanEvent } from '../../shared/http1';
import { requestFacts, rulesFor, type RequestFacts, type Rule } from '../../shared/rules';
import { Http1Parser } from '../http1';
import { rewriteBudget, type RewriteBudget } from './budget';
import { ByteQueue, OpList, type Op } from './ops';
import { amount, headerValues, pieceAt, rebuildHead, type HeadPart } from './request-head';
import type { HeldGate } from './stepping';

/** A held message for a breakpoint that matched exchange #`exchange` (null: not held); `stopped` when it ends the connection. */
export type HoldMessage = (exchange: number, rule: Rule, stopped: () => void) => HeldGate | null;

/** The largest request body the dechunk rule collects before giving up. */
export const MAX_DECHUNK = 64 * 1024 * 1024;
/** A collected body goes to the origin in this many writes at most. */
const BODY_WRITES = 8;

interface RequestState {
  index: number;
  head: HeadPart[];
  /** Every span of the message as received (to send unchanged if a rewrite gives up). */
  original: Uint8Array[];
  originalLength: number;
  held: boolean;
  method: string | null;
  target: string | null;
  version: string | null;
  dechunk: Rule | null;
  data: Uint8Array[];
  dataLength: number;
  chunks: number;
  chunkRule: Rule | null;
  chunkSize: number;
  /** Held at a breakpoint: its parts go to the gate. */
  gate: HeldGate | null;
}

/**
 * A rewriter dropped while it held a body (its connection reset, say) gives the bytes
 * back to the budget when it is collected: the relay tells a rewriter of a FIN, not of
 * every end.
 */
const abandoned = new FinalizationRegistry<{ budget: RewriteBudget; bytes: number }>((held) => held.budget.release(held.bytes));

export class RequestRewriter {
  private readonly parser = new Http1Parser('request', { assumeConnectTunnel: false });
  private readonly input = new ByteQueue();
  private readonly out = new OpList();
  private current: RequestState | null = null;
  /** Facts of each request sent on (by index), for matching the responses. */
  readonly facts: RequestFacts[] = [];
  private readonly counts = new Map<string, number>();
  private stopped = false;
  /** A tunnel (after a 101 or a 2xx to CONNECT): bytes pass as they come. */
  private passing = false;

  /** What this rewriter holds of the budget now. */
  private readonly held: { budget: RewriteBudget; bytes: number };

  constructor(
    private readonly rules: () => readonly Rule[],
    private readonly budget: RewriteBudget = rewriteBudget,
    private readonly holdMessage: HoldMessage = () => null,
  ) {
    this.held = { budget, bytes: 0 };
    abandoned.register(this, this.held);
  }

  push(bytes: Uint8Array): Op[] {
    if (this.stopped) return [];
    if (this.passing) return bytes.length > 0 ? [{ op: 'bytes', pieces: [bytes], length: bytes.length }] : [];
    this.input.push(bytes);
    for (const e of this.parser.feed(bytes)) this.event(e);
    this.current?.gate?.arrived();
    return this.out.drain();
  }

  /** From here on a tunnel: what is held goes on as it came, and so does the rest. */
  passThrough(): Op[] {
    if (this.passing || this.stopped) return [];
    this.passing = true;
    const m = this.current;
    if (m) this.release(m);
    const rest = this.input.take(this.input.length);
    this.out.bytes(rest);
    return this.out.drain();
  }

  /** The client's side ended (`how`, in words): whatever is held goes on as it was. */
  end(how: string | null = null): Op[] {
    if (this.stopped || this.passing) return [];
    for (const e of this.parser.end('fin')) this.event(e);
    const m = this.current;
    if (m) this.release(m, how);
    return this.out.drain();
  }

  private event(e: Http1Event): void {
    if (this.stopped) return;
    if (e.type === 'message-start') {
      this.current = { index: e.message, head: [], original: [], originalLength: 0, held: true, method: null, target: null, version: null, dechunk: null, data: [], dataLength: 0, chunks: 0, chunkRule: null, chunkSize: 0, gate: null };
      return;
    }
    if (e.type === 'framing') {
      if (this.current?.gate && this.current.index === e.message) return this.current.gate.framing(e.framing, e.contentLength);
      return this.framing(e.framing, e.contentLength);
    }
    if (e.type === 'message-complete') return this.complete();
    if (!isSpanEvent(e)) return;
    const pieces = this.input.take(e.length);
    const m = this.current;
    if (!m || e.message !== m.index) {
      if (m) this.release(m);
      return this.out.bytes(pieces);
    }
    if (m.gate) return m.gate.span(e, pieces);
    if (m.held || m.dechunk) {
      m.original.push(...pieces);
      m.originalLength += e.length;
    }
    if (m.held) {
      if (e.type === 'start-line') {
        m.method = e.request?.method ?? null;
        m.target = e.request?.target ?? null;
        m.version = e.request?.version ?? null;
        m.head.push({ type: e.type, name: null, value: null, pieces, event: e });
      } else if (e.type === 'header') m.head.push({ type: e.type, name: e.name, value: e.value, pieces, event: e });
      else if (e.type === 'head-end') m.head.push({ type: e.type, name: null, value: null, pieces, event: e });
      else {
        // A head that never completed (an anomaly made the rest raw): send it as it came.
        m.held = false;
        this.out.bytes(m.original);
      }
      return;
    }
    if (m.dechunk) {
      if (e.type === 'chunk-data') {
        m.data.push(...pieces);
        m.dataLength += e.length;
      } else if (e.type === 'chunk-size') m.chunks++;
      else if (e.type !== 'chunk-crlf' && e.type !== 'last-chunk' && e.type !== 'trailer' && e.type !== 'trailers-end') return this.giveUp(m, 'the chunked body was malformed');
      if (m.originalLength > MAX_DECHUNK) return this.giveUp(m, `the body is over ${MAX_DECHUNK / 1024 / 1024} MiB`);
      if (!this.hold(e.length)) this.giveUp(m, `the request bodies held for dechunk-requests on all connections would go over ${amount(this.budget.limit)}, the most Chunkscope holds at once (fewer uploads at a time are rewritten)`);
      return;
    }
    if (m.chunkRule && e.type === 'body-data') {
      for (let at = 0; at < e.length; at += m.chunkSize) {
        const n = Math.min(m.chunkSize, e.length - at);
        const piece = pieceAt(pieces, at, n);
        this.out.text(`${n.toString(16)}\r\n`);
        this.out.bytes(piece);
        this.out.text('\r\n');
        m.chunks++;
      }
      return;
    }
    this.out.bytes(pieces);
  }

  private framing(framing: string, contentLength: number | null): void {
    const m = this.current;
    if (!m || !m.held) return;
    m.held = false;
    const host = m.head.find((h) => h.type === 'header' && h.name!.toLowerCase() === 'host')?.value ?? null;
    const facts = requestFacts(m.method, m.target, host);
    this.facts[m.index] = facts;
    const picked = rulesFor(this.rules(), facts, 'request');

    const reset = picked.get('reset-after-requests');
    if (reset && reset.action.kind === 'reset-after-requests') {
      const n = (this.counts.get(reset.text) ?? 0) + 1;
      this.counts.set(reset.text, n);
      if (n > reset.action.requests) {
        this.out.push({ op: 'applied', direction: 'request', exchange: m.index, rule: reset.text, effect: `reset the connection (RST) at request #${m.index + 1}: ${reset.action.requests} matching request${reset.action.requests === 1 ? ' was' : 's were'} answered` });
        this.out.push({ op: 'reset' });
        this.stopped = true;
        return;
      }
    }

    const breakpoint = picked.get('break-request');
    const gate = breakpoint ? this.holdMessage(m.index, breakpoint, () => (this.stopped = true)) : null;
    if (gate) {
      m.gate = gate;
      this.out.push({ op: 'step', gate });
      for (const part of m.head) gate.span(part.event, part.pieces);
      gate.framing(framing as Framing, contentLength);
      m.original = [];
      return;
    }

    const te = headerValues(m.head, 'transfer-encoding');
    const dechunk = picked.get('dechunk-requests');
    if (dechunk && framing === 'chunked' && te.length === 1 && te[0]!.toLowerCase() === 'chunked') {
      m.dechunk = dechunk;
      if (!this.hold(m.originalLength)) this.giveUp(m, `the request bodies held for dechunk-requests on all connections are at ${amount(this.budget.limit)}, the most Chunkscope holds at once (fewer uploads at a time are rewritten)`);
      return; // the head goes with the body, once it is whole
    }
    const chunk = picked.get('chunk-requests');
    // HTTP/1.0 has no chunked coding: its requests stay as they are.
    if (chunk && chunk.action.kind === 'chunk-requests' && m.version !== 'HTTP/1.0' && framing === 'content-length' && (contentLength ?? 0) > 0 && te.length === 0) {
      m.chunkRule = chunk;
      m.chunkSize = chunk.action.size;
      this.out.bytes(rebuildHead(m.head, ['content-length'], 'Transfer-Encoding: chunked'));
      return;
    }
    this.out.bytes(m.original);
    m.original = [];
    m.originalLength = 0;
  }

  private complete(): void {
    const m = this.current;
    if (!m) return;
    this.current = null;
    if (m.gate) m.gate.ended();
    else if (m.dechunk) {
      const head = rebuildHead(m.head, ['transfer-encoding', 'expect', 'content-length'], `Content-Length: ${m.dataLength}`);
      this.out.push({ op: 'applied', direction: 'request', exchange: m.index, rule: m.dechunk.text, effect: `sent the chunked body (${m.chunks} chunk${m.chunks === 1 ? '' : 's'}, ${m.dataLength} bytes) with Content-Length: ${m.dataLength}` });
      this.out.bytes(head);
      // In a few parts, each sent as one write: not one copy of the whole body (up to 64
      // MiB) beside it, and not a write per read (the relay waits for each to drain).
      this.out.split(m.data, BODY_WRITES);
      this.giveBack();
    } else if (m.chunkRule) {
      this.out.push({ op: 'applied', direction: 'request', exchange: m.index, rule: m.chunkRule.text, effect: `sent the Content-Length body in ${m.chunks} chunk${m.chunks === 1 ? '' : 's'} of up to ${m.chunkSize} bytes` });
      this.out.text('0\r\n\r\n');
    }
  }

  /** Bytes outside the message held, or its end: send what was held as it came, and stop rewriting it. */
  private release(m: RequestState, senderEnd: string | null = null): void {
    if (m.gate) m.gate.ended(senderEnd);
    else if (m.held || m.dechunk) this.out.bytes(m.original);
    this.current = null;
    this.giveBack();
  }

  private giveUp(m: RequestState, why: string): void {
    this.out.push({ op: 'applied', direction: 'request', exchange: m.index, rule: m.dechunk!.text, effect: `left the body chunked: ${why}` });
    this.out.bytes(m.original);
    m.dechunk = null;
    m.original = [];
    m.data = [];
    this.giveBack();
  }

  /** Count `n` more bytes of a body being collected against the budget of all connections. */
  private hold(n: number): boolean {
    if (!this.budget.reserve(n)) return false;
    this.held.bytes += n;
    return true;
  }

  /** The connection is over: what was held for rewriting leaves the budget now, not at garbage collection. */
  close(): void {
    this.giveBack();
  }

  /** The body held is sent (rewritten or as it came): its bytes leave the budget. */
  private giveBack(): void {
    this.budget.release(this.held.bytes);
    this.held.bytes = 0;
  }
}
