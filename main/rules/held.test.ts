// A held message as playbooks: what the sender sent and what the user did in, commands
// out (mitmproxy's Playbook style, as proxy/ends.test.ts). stepping.test.ts is the proof
// with real clients and sockets; these say what each step sends, and why.

import { describe, expect, it } from 'vitest';
import { isSpanEvent } from '../../shared/http1';
import { Http1Parser } from '../http1';
import { HeldQueue, MAX_HELD_PARTS, StepRefused, type HeldCommand, type HeldStep } from './held';
import { ByteQueue } from './ops';

const FEED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n5DC\r\n' + 'x'.repeat(1500) + '\r\n0\r\nX-T: 1\r\n\r\n';
const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
const CHUNK1 = '5;a=b\r\nhello\r\n';
const CHUNK2 = '5DC\r\n' + 'x'.repeat(1500) + '\r\n';
const LAST = '0\r\nX-T: 1\r\n\r\n';

/** A held response fed by a parser, as the response rewriter feeds it. */
function held(chunks: number | null = null, direction: 'request' | 'response' = 'response') {
  const q = new HeldQueue({ direction, chunks, releaseAfterMs: 300_000 });
  const parser = new Http1Parser(direction);
  const input = new ByteQueue();
  const feed = (text: string): HeldCommand[] => {
    const bytes = Buffer.from(text, 'latin1');
    input.push(bytes);
    const out: HeldCommand[] = [];
    for (const e of parser.feed(bytes)) {
      if (e.type === 'framing') q.framing(e.framing, e.contentLength);
      else if (e.type === 'message-complete') out.push(...q.ended());
      else if (isSpanEvent(e)) q.span(e, input.take(e.length));
    }
    return [...out, ...q.arrived()];
  };
  return { q, feed, act: (step: HeldStep) => q.act(step) };
}

/** Commands in short: `send "…"` (long data shortened), `applied …`, `end fin`, `timer 300000`, `done`. */
const short = (commands: HeldCommand[]) =>
  commands.map((c) => {
    switch (c.do) {
      case 'send': {
        const text = Buffer.concat(c.pieces).toString('latin1').replace(/x{20,}/g, (m) => `x*${m.length}`);
        return `send ${JSON.stringify(text)}`;
      }
      case 'applied':
        return `applied ${c.effect}`;
      case 'end':
        return `end ${c.how}`;
      case 'timer':
        return `timer ${c.ms ?? 'off'}`;
      case 'done':
        return 'done';
    }
  });

const sent = (commands: HeldCommand[]) => Buffer.concat(commands.flatMap((c) => (c.do === 'send' ? c.pieces : []))).toString('latin1');

describe('a held response, stepped', () => {
  it('holds before the head, then releases one part per step, each exactly as the server sent it', () => {
    const { q, feed, act } = held();
    expect(short(feed(FEED))).toEqual([]); // not its turn yet: nothing goes, nothing is listed
    expect(q.listed).toBe(false);
    expect(short(q.attached())).toEqual(['applied held the response before the head', 'timer 300000']);
    expect(q.view()).toMatchObject({ state: 'held', before: 'head', head: 'HTTP/1.1 200 OK\nTransfer-Encoding: chunked', queuedBytes: FEED.length, queuedChunks: 2 });
    expect(short(act({ action: 'next' }))).toEqual(['applied released the head as the server sent it', `send ${JSON.stringify(HEAD)}`, 'timer 300000']);
    expect(q.view()).toMatchObject({ before: 'chunk', chunk: 0, where: 'before chunk #1 (0 chunks delivered)', next: { part: 'chunk', sizeLine: '5;a=b', sizeToken: '5', size: 5, queued: 5, complete: true }, queuedChunks: 1 });
    expect(short(act({ action: 'next' }))).toEqual(['applied released chunk #1 as the server sent it', `send ${JSON.stringify(CHUNK1)}`, 'timer 300000']);
    expect(short(act({ action: 'next' }))).toEqual(['applied released chunk #2 as the server sent it', 'send "5DC\\r\\nx*1500\\r\\n"', 'timer 300000']);
    expect(q.view()).toMatchObject({ before: 'last-chunk', where: 'before the last chunk (2 chunks delivered)', next: { part: 'last-chunk', sizeToken: '0' } });
    expect(short(act({ action: 'next' }))).toEqual(['applied released the last chunk as the server sent it', `send ${JSON.stringify(LAST)}`, 'timer off', 'done']);
    expect(q.listed).toBe(false);
    expect(q.queuedBytes).toBe(0);
  });

  it('a part released while it arrives goes on as it comes, then the next one is held again', () => {
    const { q, feed, act } = held(0);
    q.attached();
    expect(short(feed(HEAD + '5DC\r\nxxxx'))).toEqual(['send "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"', 'applied held the response before chunk #1 (0 chunks delivered)', 'timer 300000']);
    expect(q.view().next).toMatchObject({ sizeToken: '5DC', size: 1500, queued: 4, complete: false });
    expect(short(act({ action: 'next' }))).toEqual(['applied released chunk #1 as the server sent it', 'send "5DC\\r\\nxxxx"', 'timer off']);
    expect(q.view()).toMatchObject({ state: 'releasing' });
    // Released whole: the message is held before the next part, whenever it comes, and the timeout runs again.
    expect(short(feed('x'.repeat(1496) + '\r\n'))).toEqual(['send "x*1496\\r\\n"', 'timer 300000']);
    expect(q.view()).toMatchObject({ state: 'held', before: 'chunk', chunk: 1, next: null });
    expect(short(feed(CHUNK1))).toEqual([]);
    expect(q.view()).toMatchObject({ state: 'held', before: 'chunk', chunk: 1, next: { sizeToken: '5' } });
  });

  it('a step before the part arrived lets it go on when it does', () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed(HEAD);
    expect(q.view()).toMatchObject({ state: 'held', before: 'chunk', next: null });
    expect(short(act({ action: 'next' }))).toEqual(['timer off']); // nothing is held: it waits for the server
    expect(q.view().state).toBe('releasing');
    // Held again before chunk #2 (the hold was said once, when it began).
    expect(short(feed(CHUNK1 + CHUNK2))).toEqual(['applied released chunk #1 as the server sent it', `send ${JSON.stringify(CHUNK1)}`, 'timer 300000']);
    expect(q.view()).toMatchObject({ state: 'held', where: 'before chunk #2 (1 chunk delivered)' });
  });

  it('after N chunks: the head and N chunks go on their own, then it is held', () => {
    const { q, feed } = held(2);
    q.attached();
    expect(short(feed(FEED))).toEqual([`send ${JSON.stringify(HEAD + CHUNK1).replace(/"$/, '5DC\\r\\nx*1500\\r\\n"')}`, 'applied held the response before the last chunk (2 chunks delivered)', 'timer 300000']);
  });

  it('a message that ends before its breakpoint is never held', () => {
    const { q, feed } = held(5);
    q.attached();
    expect(sent(feed(FEED))).toBe(FEED); // in one send, as the rewriter got it
    expect(short(feed(''))).toEqual([]);
    expect(q.listed).toBe(false);
  });

  it('with only steps, the receiver gets every byte as sent, at every split of the input', () => {
    for (let at = 1; at < FEED.length; at += 7) {
      const { q, feed, act } = held();
      const out = [...q.attached(), ...feed(FEED.slice(0, at))];
      let rest = FEED.slice(at);
      // Step while something is held; feed the rest once a step waits for it. Bounded: 5 parts.
      for (let turn = 0; turn < 12 && !q.done; turn++) {
        if (q.listed && q.view().state === 'held') out.push(...act({ action: 'next' }));
        else if (rest !== '') {
          out.push(...feed(rest));
          rest = '';
        }
      }
      expect(q.done, `split at ${at}`).toBe(true);
      expect(sent(out), `split at ${at}`).toBe(FEED);
    }
  });
});

describe('edits', () => {
  it("data without a size line: the line says the new length (in the server's case), the server's data is dropped", () => {
    const { q, feed, act } = held(1);
    q.attached();
    feed(FEED);
    expect(short(act({ action: 'edit', data: Buffer.from('abc') }))).toEqual(['timer 300000']);
    expect(q.view()).toMatchObject({ edited: { head: false, sizeLine: '3', dataLength: 3 }, queuedBytes: CHUNK2.length + LAST.length });
    expect(short(act({ action: 'next' }))).toEqual(['applied sent chunk #2 edited: size line "3" (the server sent "5DC"), 3 bytes of data (the server\'s: 1,500 bytes)', 'send "3\\r\\nabc\\r\\n"', 'timer 300000']);
    expect(q.queuedBytes).toBe(LAST.length);
  });

  it('a size line alone: the data goes on as the server sent it (a size that lies, on purpose)', () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed(HEAD + CHUNK1);
    act({ action: 'edit', sizeLine: '0A;x=1' });
    expect(sent(act({ action: 'next' }))).toBe('0A;x=1\r\nhello\r\n');
  });

  it('the head, while it is held whole', () => {
    const { q, feed, act } = held();
    q.attached();
    feed(HEAD);
    act({ action: 'edit', head: 'HTTP/1.1 203 Edited\nTransfer-Encoding: chunked\nX-Held: yes\n' });
    expect(q.view()).toMatchObject({ head: 'HTTP/1.1 203 Edited\nTransfer-Encoding: chunked\nX-Held: yes', edited: { head: true } });
    expect(short(act({ action: 'next' }))).toEqual(['applied sent the head edited (3 lines; the server sent 2 lines)', 'send "HTTP/1.1 203 Edited\\r\\nTransfer-Encoding: chunked\\r\\nX-Held: yes\\r\\n\\r\\n"', 'timer 300000']);
  });

  it('refused, in words, when there is nothing to edit or the edit cannot be sent', () => {
    const { q, feed, act } = held();
    q.attached();
    feed('HTTP/1.1 200 OK\r\n');
    expect(() => act({ action: 'edit', head: 'HTTP/1.1 200 OK' })).toThrow(new StepRefused('the head has not arrived whole yet: wait for it'));
    feed('Transfer-Encoding: chunked\r\n\r\n');
    expect(() => act({ action: 'edit', head: 'HTTP/1.1 200 OK\n\nX: 1' })).toThrow(/line 2 of the head is empty/);
    expect(() => act({ action: 'edit', head: 'HTTP/1.1 200 ✓' })).toThrow(/U\+2713 at position 14/);
    expect(() => act({ action: 'edit', data: Buffer.from('x') })).toThrow(/what goes next is the head, not a chunk/);
    act({ action: 'next' });
    expect(() => act({ action: 'edit', data: Buffer.from('x') })).toThrow(new StepRefused('chunk #1 has not arrived yet: nothing to edit (the held list shows it when it comes)'));
    feed(LAST);
    expect(() => act({ action: 'edit', data: Buffer.from('x') })).toThrow(/the last chunk \(size 0\): it has no data to edit/);
    expect(() => act({ action: 'edit', sizeLine: '0\r\n' })).toThrow(/holds a line break/);
  });
});

describe('ends, stalls and the timeout', () => {
  it('drop-last-chunk: the chunks go on, the last chunk is withheld, then a FIN', () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed(HEAD + CHUNK1);
    expect(short(act({ action: 'drop-last-chunk' }))).toEqual([
      'applied will send the chunks as they come (before chunk #1 (0 chunks delivered)), withhold the last chunk, then closed the connection to the client (FIN)',
      `send ${JSON.stringify(CHUNK1)}`,
      'timer off',
    ]);
    expect(q.listed).toBe(false);
    expect(short(feed(CHUNK2 + LAST))).toEqual(['send "5DC\\r\\nx*1500\\r\\n"', 'applied withheld the last chunk after 2 chunks and closed the connection to the client (FIN)', 'end fin', 'done']);
  });

  it('drop-last-chunk on a body that is not chunked is refused', () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
    expect(q.view()).toMatchObject({ before: 'body', where: 'before the body', next: { part: 'body', size: 4, queued: 2, complete: false } });
    expect(() => act({ action: 'drop-last-chunk' })).toThrow(new StepRefused('the response is not chunked: it has no last chunk to drop'));
  });

  it('end now: an RST drops what is queued and lets go', () => {
    const { q, feed, act } = held(1);
    q.attached();
    feed(FEED);
    expect(short(act({ action: 'end', how: 'rst' }))).toEqual(['applied reset the connection (RST) to both sides before chunk #2 (1 chunk delivered)', 'end rst', 'timer off', 'done']);
    expect(q.queuedBytes).toBe(0);
    expect(short(feed('more'))).toEqual([]);
  });

  it('a stall keeps holding without the timeout; with a time, the rest goes on after it', () => {
    const { q, feed, act } = held(1);
    q.attached();
    feed(FEED);
    expect(short(act({ action: 'stall' }))).toEqual(['applied stalled before chunk #2 (1 chunk delivered) (until the next step or the connection ends)', 'timer off']);
    expect(q.view().state).toBe('stalled');
    expect(short(q.timeout())).toEqual([]);
    expect(short(act({ action: 'stall', seconds: 10 }))).toEqual(['applied stalled before chunk #2 (1 chunk delivered) for 10.0 s, then the rest goes on', 'timer 10000']);
    expect(short(q.timeout())).toEqual(['applied released the rest (before chunk #2 (1 chunk delivered)) as the server sends it: after the stall of 10.0 s', `send ${JSON.stringify(CHUNK2 + LAST).replace(/x{1500}/, 'x*1500')}`, 'done']);
  });

  it('the timeout releases a message nobody stepped, and says so', () => {
    const { q, feed } = held(0, 'request');
    q.attached();
    feed('POST /upload HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n');
    expect(short(q.timeout())).toEqual(['applied released the rest (before chunk #1 (0 chunks delivered)) as the client sends it: nobody stepped it for 5 min 0 s', 'send "3\\r\\nabc\\r\\n"']);
    expect(q.listed).toBe(false);
    expect(short(feed('0\r\n\r\n'))).toEqual(['send "0\\r\\n\\r\\n"', 'done']);
  });

  it("the sender's end while held: the queued parts are still stepped, then done", () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed(HEAD + CHUNK1 + '5DC\r\nxx');
    q.senderEnded = 'the server closed the connection (FIN)';
    expect(short(q.ended())).toEqual([]);
    expect(q.view()).toMatchObject({ senderEnded: 'the server closed the connection (FIN)', queuedChunks: 0 });
    expect(sent(act({ action: 'next' }))).toBe(CHUNK1);
    expect(short(act({ action: 'next' }))).toEqual(['applied released chunk #2 as the server sent it', 'send "5DC\\r\\nxx"', 'timer off', 'done']);
  });
});

describe('a sender that floods a held message with tiny chunks', () => {
  // 1 MiB of one-byte chunks came in one read (reads grow to 1 MiB): 174,762 chunks. Each
  // queued as a part of its own took about 1 KiB (200 MB for 1 MiB queued) and releasing the
  // rest took 17 s of the relay's event loop.
  const TINY = 174_762;
  const flood = HEAD + '1\r\nx\r\n'.repeat(TINY) + '0\r\n\r\n';

  it('keeps a bounded number of parts: the chunks past the bound step together, said in words, and every byte still goes as sent', () => {
    const { q, feed, act } = held(0);
    q.attached();
    feed(flood);
    const view = q.view();
    expect(view.queuedBytes).toBe(flood.length - HEAD.length);
    expect(view.queuedChunks).toBeLessThanOrEqual(MAX_HELD_PARTS);
    expect(short(act({ action: 'next' }))).toEqual(['applied released chunk #1 as the server sent it', 'send "1\\r\\nx\\r\\n"', 'timer 300000']);
    const out: HeldCommand[] = [];
    while (q.view().next?.joined === undefined) out.push(...act({ action: 'next' }));
    const first = q.view().chunk + 1;
    expect(first).toBeLessThanOrEqual(MAX_HELD_PARTS);
    expect(q.view().next?.joined).toBe(TINY - first);
    expect(() => act({ action: 'edit', sizeLine: '2' })).toThrow(`chunks #${first} to #${TINY} came too many at once to step one by one: they go together as the sender sent them, and cannot be edited`);
    const together = act({ action: 'next' });
    expect(short(together)[0]).toBe(`applied released chunks #${first} to #${TINY} as the server sent them (they came too many at once to step one by one)`);
    out.push(...together, ...act({ action: 'rest' }));
    expect(HEAD + '1\r\nx\r\n' + sent(out)).toBe(flood);
  });
});
