// dechunk-requests holds a whole body before it can send its Content-Length: all
// connections together hold at most the rewrite budget (20 uploads of 60 MB once held
// 1.87 GB). Past it, a request goes on as it came, chunked, and the rule says why.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isRule, parseRule, type Rule } from '../../shared/rules';
import { REWRITE_BUDGET, RewriteBudget } from './budget';
import type { Op } from './ops';
import { MAX_DECHUNK, RequestRewriter } from './request';

const dechunk: Rule[] = (() => {
  const rule = parseRule('dechunk-requests');
  if (!isRule(rule)) throw new Error(rule.error);
  return [rule];
})();

const head = 'POST /upload HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n';
const chunk = (data: string) => `${data.length.toString(16)}\r\n${data}\r\n`;
const bytesOf = (ops: Op[]) => Buffer.concat(ops.flatMap((o) => (o.op === 'bytes' ? o.pieces : []))).toString('latin1');
const effects = (ops: Op[]) => ops.flatMap((o) => (o.op === 'applied' ? [o.effect] : []));
const push = (rw: RequestRewriter, text: string) => rw.push(Buffer.from(text, 'latin1'));

describe('the budget of request rewrites, across connections', () => {
  it('is 64 MiB for the whole proxy: one body of the largest size a rewrite takes', () => {
    expect(REWRITE_BUDGET).toBe(MAX_DECHUNK);
  });

  it('a body that would go past it is sent as it came, chunked, and the rule event says why; the others are rewritten', () => {
    const budget = new RewriteBudget(1000);
    const first = new RequestRewriter(() => dechunk, budget);
    const second = new RequestRewriter(() => dechunk, budget);
    const a = 'a'.repeat(500);
    const b = 'b'.repeat(500);
    expect(push(first, head + chunk(a))).toEqual([]); // held: the body is not whole yet
    expect(budget.held).toBeGreaterThan(500);
    const refused = push(second, head + chunk(b));
    expect(bytesOf(refused)).toBe(head + chunk(b));
    expect(effects(refused)).toEqual(['left the body chunked: the request bodies held for dechunk-requests on all connections would go over 1,000 bytes, the most Chunkscope holds at once (fewer uploads at a time are rewritten)']);
    // The refused one goes on unchanged; the first one is rewritten when it is whole.
    expect(bytesOf(push(second, '0\r\n\r\n'))).toBe('0\r\n\r\n');
    const done = push(first, '0\r\n\r\n');
    expect(bytesOf(done)).toBe(`POST /upload HTTP/1.1\r\nHost: lab\r\nContent-Length: 500\r\n\r\n${a}`);
    expect(budget.held).toBe(0);
    // With the budget free again, the next request on the refused connection is rewritten.
    const again = push(second, head + chunk('xyz') + '0\r\n\r\n');
    expect(bytesOf(again)).toBe('POST /upload HTTP/1.1\r\nHost: lab\r\nContent-Length: 3\r\n\r\nxyz');
  });

  it('a body held when the client ends the connection, or turns it into a tunnel, leaves the budget', () => {
    const budget = new RewriteBudget(1 << 20);
    const ended = new RequestRewriter(() => dechunk, budget);
    push(ended, head + chunk('half of a body'));
    expect(budget.held).toBeGreaterThan(0);
    expect(bytesOf(ended.end())).toBe(head + chunk('half of a body'));
    expect(budget.held).toBe(0);
    const tunnel = new RequestRewriter(() => dechunk, budget);
    push(tunnel, head + chunk('more'));
    expect(bytesOf(tunnel.passThrough())).toBe(head + chunk('more'));
    expect(budget.held).toBe(0);
  });

  it('a rewriter dropped while holding a body (its connection reset) gives the bytes back once it is collected', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const budget = new RewriteBudget(1 << 20);
    (() => {
      const reset = new RequestRewriter(() => dechunk, budget);
      push(reset, head + chunk('x'.repeat(1000)));
    })();
    expect(budget.held).toBeGreaterThan(1000);
    for (let i = 0; i < 20 && budget.held > 0; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(budget.held).toBe(0);
  });

  it('a whole body goes out in a few parts (8 at most), not as one copy of it all', () => {
    const rw = new RequestRewriter(() => dechunk, new RewriteBudget(1 << 20));
    const data = Array.from({ length: 100 }, (_, i) => String(i % 10).repeat(100));
    const ops = [...push(rw, head), ...data.flatMap((d) => push(rw, chunk(d))), ...push(rw, '0\r\n\r\n')];
    expect(bytesOf(ops)).toBe(`POST /upload HTTP/1.1\r\nHost: lab\r\nContent-Length: 10000\r\n\r\n${data.join('')}`);
    const parts = ops.filter((o) => o.op === 'bytes').slice(1);
    expect(parts).toHaveLength(8);
    for (const part of parts) expect(part.op === 'bytes' && part.length).toBeLessThanOrEqual(1300);
  });
});
