// Fuzz: the control listener of a running Chunkscope (control.ts) against whatever a peer
// or a web page can send to a loopback port: random bytes, HTTP requests, JSON of every
// shape, the right token with odd tags. It must answer in one line or close, open a port
// only for the right token, close every port it opened once that connection ends, and
// still serve a good request afterwards.
//
//   CHUNKSCOPE_FUZZ_RUNS=100000 npx vitest run main/clients/control.fuzz.test.ts

import fc from 'fast-check';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientTag } from '../capture/format';
import { ControlServer, requestClientPort } from './control';

const RUNS = Number(process.env.CHUNKSCOPE_FUZZ_RUNS ?? 500);
const SEED = Number(process.env.CHUNKSCOPE_FUZZ_SEED ?? 19);
const TOKEN = 'control-fuzz-token-0123456789';

const open = new Set<number>();
const granted: ClientTag[] = [];
let next = 40_000;
let control: ControlServer;
let address: { host: string; port: number };

beforeAll(async () => {
  // Ports as the engine gives them, counted: each must be closed again.
  control = new ControlServer(TOKEN, async (launched) => {
    const port = next++;
    open.add(port);
    granted.push(launched);
    return { port, url: `http://127.0.0.1:${port}`, close: async () => void open.delete(port) };
  });
  address = await control.listen();
});
afterAll(() => control?.close());

/** Send, half-close, read until the listener ends the connection. */
function exchange(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ ...address, allowHalfOpen: true });
    let answer = '';
    socket.on('connect', () => socket.end(bytes));
    socket.setEncoding('latin1').on('data', (d: string) => (answer += d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.on('end', () => socket.destroy());
  });
}

const json = fc.jsonValue({ maxDepth: 4 });
const request = fc.oneof(
  fc.uint8Array({ maxLength: 6000 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 300 }).map((text) => Buffer.from(`GET /${text} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)),
  json.map((value) => Buffer.from(`${JSON.stringify(value)}\n`)),
  fc
    .record({ token: fc.oneof(fc.constant(TOKEN), fc.string({ maxLength: 40 }), json), launched: fc.oneof(fc.constantFrom('run', 'browser'), json), tag: fc.oneof(fc.string({ maxLength: 3000 }), json) }, { requiredKeys: [] })
    .map((r) => Buffer.from(`${JSON.stringify(r)}\n`)),
);

describe('the control listener under fuzz', () => {
  it('answers in one line or closes, opens ports only for the token, closes each with its connection, and still serves', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (bytes) => {
        const answer = await exchange(bytes);
        expect(answer === '' || /^\{.*\}\n$/.test(answer)).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    await expect.poll(() => open.size, { timeout: 10_000 }).toBe(0);
    for (const launched of granted) {
      expect(['run', 'browser']).toContain(launched.launched);
      expect(launched.tag.length).toBeGreaterThan(0);
      expect(launched.tag.length).toBeLessThanOrEqual(2000);
    }
    const good = await requestClientPort({ ...address, token: TOKEN }, { launched: 'run', tag: 'after the fuzz' });
    expect(good).toMatchObject({ proxy: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    if ('release' in good) good.release();
    await expect.poll(() => open.size, { timeout: 5000 }).toBe(0);
  });
});
