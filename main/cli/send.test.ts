// `chunkscope send` as a user runs it: each fault of a plan is on the wire exactly as
// planned (a raw origin records every byte it received and how the connection ended),
// through a proxy too, over TLS, and a captured request is sent again byte for byte.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLab } from '../lab/lab';
import { eventually, startProxy } from '../proxy/test-support/harness';
import { fin, origin, request, write } from '../proxy/test-support/origin';
import { OK, rawOrigin as startRawOrigin, type RawOrigin } from '../compose/test-support/raw-origin';
import { tlsOrigin, tlsWorld } from '../tls/test-support/tls-world';
import { runCli, tempFile } from './test-support/run-cli';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An origin that answers once the client ended its side, or once `bytes` arrived. */
async function rawOrigin(bytes?: number): Promise<RawOrigin> {
  const o = await startRawOrigin(bytes === undefined ? undefined : (received, ended) => ended || received.length >= bytes);
  cleanups.push(() => o.close());
  return o;
}

/** What the origin received, and how the connection ended, once it closed. */
async function received(o: RawOrigin): Promise<{ bytes: string; end: string }> {
  const first = await o.first();
  return { bytes: first.received.toString('latin1'), end: first.end };
}

const HEAD = 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';

describe('chunkscope send: every byte as planned', () => {
  it('sizes as written, an extension, a trailer, a bare LF, a wrong and a missing CRLF, a size that lies, no last chunk; then a FIN', async () => {
    const o = await rawOrigin();
    const plan = tempFile(
      'faults.plan',
      Buffer.from(
        [
          'POST /upload HTTP/1.1',
          'Host: x',
          'Transfer-Encoding: chunked',
          '',
          'chunk 5 "hello" bare-lf',
          'chunk 03;ext=1 "abc" data-end=none',
          'chunk 0A "defghijklm" data-end="XY"',
          'chunk 10 "short"',
          'no last chunk',
          'end fin',
        ].join('\n'),
      ),
    );
    const result = await runCli(['send', '--plan', plan, o.url]);
    expect(await received(o)).toEqual({ bytes: `${HEAD}5\nhello\n03;ext=1\r\nabc0A\r\ndefghijklmXY10\r\nshort\r\n`, end: 'fin' });
    expect(result.stdout).toContain('note: chunk #4: the size 10 says 16 bytes, but its data is 5 bytes (a size that lies)');
    expect(result.stdout).toContain('note: the chunked body has no last chunk: it never ends');
    expect(result.stdout).toContain('note: Chunkscope closes its side (FIN) as soon as the last byte is written, without waiting for the answers');
    // What came back is said as inspect says it: the request's own faults, the answer, the account.
    expect(result.stdout).toMatch(/✗ bare-lf at byte \d+: /);
    expect(result.stdout).toContain('response #1 HTTP/1.1 200 OK   complete');
    expect(result.status).toBe(1);
  });

  it('the last chunk as written, with a trailer, from command-line lines', async () => {
    const o = await rawOrigin();
    const result = await runCli(['send', `${o.url}/upload`, '-H', 'x-case: Kept', 'chunk 5DC', 'last 0000;z', 'trailer X-Sum: 42', 'end fin']);
    const { bytes } = await received(o);
    expect(bytes).toBe(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\nx-case: Kept\r\nTransfer-Encoding: chunked\r\n\r\n5DC\r\n${'x'.repeat(1500)}\r\n0000;z\r\nX-Sum: 42\r\n\r\n`);
    expect(result.stdout).toMatch(/1\s+\d+\s+5DC\s+1,500\s+1,500\s+ok/);
    expect(result.stdout).toContain('last chunk  "0000;z" at byte');
    expect(result.status).toBe(0);
  });

  it.each([
    ['fin', 'fin'],
    ['rst', 'rst'],
  ])('end %s after byte N: exactly N bytes, then the connection ended that way', async (how, end) => {
    const o = await rawOrigin();
    const result = await runCli(['send', `${o.url}/upload`, '-H', 'Host: x', 'chunk 5DC', `end ${how} after byte 70`]);
    const seen = await received(o);
    expect(seen.bytes).toBe(`${HEAD}5DC\r\n${'x'.repeat(70 - HEAD.length - 5)}`);
    expect(seen.end).toBe(end);
    expect(result.stdout).toContain(`Chunkscope ${how === 'rst' ? 'resets the connection (RST)' : 'closes its side (FIN)'} after byte 70`);
  });

  it('--repeat on one connection: the IIS 6 reset at the request after N, in one command', async () => {
    const lab = await startLab({ resetAfter: 4000 });
    cleanups.push(() => lab.close());
    const result = await runCli(['send', `${lab.url}/reset-after?n=3`, 'chunk "hello"', '--repeat', '4']);
    expect(result.stdout).toContain('send 4 requests (');
    expect(result.stdout).toContain('✗ closed-early at byte');
    expect(result.stdout).toContain('the server reset the keep-alive connection (RST) after answering 3 requests on it; request #4 was sent (chunked, 5 bytes) and never answered');
    expect(result.stdout).toMatch(/4 requests sent, 3 answers; verdict: error\n$/);
    expect(result.status).toBe(1);
  });

  it('an answer that never ends: --max-time stops reading it, closes the connection and says so', async () => {
    const lab = await startLab({});
    cleanups.push(() => lab.close());
    const result = await runCli(['send', `${lab.url}/drip?chunks=100000&delay=20`, '--max-time', '1']);
    expect(result.stdout).toContain('stopped: Chunkscope stopped reading after --max-time 1 s, the answer to request #1 still arriving, and closed the connection');
    expect(result.stdout).toContain('the client closed the connection (FIN)');
    expect(result.status).toBe(1);
  });

  it('pipelined: every request written before the first answer', async () => {
    const o = await origin([request(), request(), write(`${OK.replace('close', 'keep-alive')}${OK}`), fin()]);
    cleanups.push(() => o.close());
    const plan = tempFile('two.plan', Buffer.from('pipeline\n\nGET /a HTTP/1.1\nHost: x\n---\nGET /b HTTP/1.1\nHost: x\n'));
    const result = await runCli(['send', '--plan', plan, o.url]);
    expect(o.connections[0]!.received.toString('latin1')).toBe('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(result.stdout).toMatch(/2 requests sent, 2 answers; verdict: ok\n$/);
    expect(result.status).toBe(0);
  });

  it('through a proxy (--via): the same bytes reach the origin, and the proxy captures the exchange', async () => {
    const o = await rawOrigin();
    const proxy = await startProxy();
    cleanups.push(() => proxy.finish());
    const plan = tempFile('via.plan', Buffer.from(`POST /upload HTTP/1.1\nHost: 127.0.0.1:${o.port}\nTransfer-Encoding: chunked\n\nchunk 05DC\nno last chunk\nend fin\n`));
    const result = await runCli(['send', '--plan', plan, '--via', proxy.url, o.url]);
    expect(result.stdout).toContain(`request line changed to fit the proxy: request #1: POST /upload HTTP/1.1 → POST http://127.0.0.1:${o.port}/upload HTTP/1.1`);
    expect((await received(o)).bytes).toBe(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\nTransfer-Encoding: chunked\r\n\r\n05DC\r\n${'x'.repeat(1500)}\r\n`);
    await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish');
    const report = await proxy.finish();
    expect(report.connections[0]!.exchanges[0]!.request!.chunks!.map((c) => c.sizeToken)).toEqual(['05DC']);
  });

  it('https, straight to a TLS origin', async () => {
    const world = await tlsWorld();
    const o = await tlsOrigin(world, [request(), write(OK), fin()]);
    cleanups.push(() => o.close());
    const result = await runCli(['send', `${o.httpsUrl}/upload`, '-H', 'Host: x', 'chunk "hello"', '--ca', world.originCaFile]);
    expect(result.stderr).toBe('');
    expect(o.connections[0]!.received.toString('latin1')).toBe(`${HEAD}5\r\nhello\r\n0\r\n\r\n`);
    expect(result.status).toBe(0);
  });
});

describe('chunkscope send --from: a captured request again, byte for byte', () => {
  it('odd framing included: the plan shows it, and the origin receives the captured bytes', async () => {
    const first = await rawOrigin();
    const proxy = await startProxy({ reverse: { host: '127.0.0.1', port: first.port } });
    cleanups.push(() => proxy.finish());
    const sent = `${HEAD}05dc;a=1\r\n${'q'.repeat(1500)}\r\n3\nabc\n0000\r\nX-T: 1\r\n\r\n`;
    await new Promise<void>((resolve) => {
      const socket = net.connect(proxy.port, '127.0.0.1', () => socket.end(sent));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
    });
    await eventually(() => proxy.proxy.connectionCount === 0, 10_000, 'the proxy to finish');
    await proxy.finish();

    const printed = await runCli(['send', '--from', proxy.capturePath, '--exchange', 'c1#1', '--print-plan']);
    expect(printed.stdout).toContain(`to http://127.0.0.1:${first.port}\n`);
    expect(printed.stdout).toContain('chunk 05dc;a=1 "q" * 1500\nchunk "abc" bare-lf\nlast 0000\ntrailer X-T: 1\n');

    const again = await rawOrigin(sent.length);
    const result = await runCli(['send', '--from', proxy.capturePath, '--exchange', 'c1#1', again.url]);
    expect((await received(again)).bytes).toBe(sent);
    expect(result.status).toBe(1); // the bare LF is an error-class anomaly of the request

    const none = await runCli(['send', '--from', proxy.capturePath, '--exchange', 'c1#9', again.url]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(`chunkscope send: ${proxy.capturePath}: c1 has one request, no request #9\n`);
  });

  it('says what it cannot do: a mistake in the plan at its line, nowhere to send, no connection', async () => {
    const plan = tempFile('bad.plan', Buffer.from('POST / HTTP/1.1\n\nchunk 5G\n'));
    const bad = await runCli(['send', '--plan', plan, 'http://127.0.0.1:9']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`chunkscope send: ${plan}, line 3, column 7 (byte 23): the size "5G" is not hexadecimal, so it says no number of bytes: give the data too (chunk 5G "…")\n`);
    const noTo = await runCli(['send', '--plan', tempFile('ok.plan', Buffer.from('GET / HTTP/1.1\n'))]);
    expect(noTo.stderr).toContain('the plan does not say where to send it');
    const refused = await runCli(['send', 'http://127.0.0.1:9/x']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^chunkscope send: the connection to 127\.0\.0\.1:9 was refused/);
  });
});
