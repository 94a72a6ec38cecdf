import { describe, expect, it } from 'vitest';
import { join, request, response, text } from '../http1/test-support/builders';
import { runCli, tempFile } from './test-support/run-cli';

const twoChunksNoEnd = response({ chunks: [1500, 1405], terminator: false });

describe('chunkscope inspect FILE --json', () => {
  it('prints the shape of spec/INSPECT.md and exits 3 on an error verdict', async () => {
    const file = tempFile('two-chunks.bin', twoChunksNoEnd);
    const { status, stdout, stderr } = await runCli(['inspect', file, '--json']);
    expect(stderr).toBe('');
    expect(status).toBe(3);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ direction: 'response', verdict: 'error', anomalies: [] });
    const [message] = report.messages;
    expect(Object.keys(message).slice(0, 11)).toEqual([
      'startLine', 'framing', 'headers', 'chunks', 'lastChunk', 'terminator', 'trailers', 'bodyLength', 'complete', 'anomalies', 'index',
    ]);
    expect(message).toMatchObject({
      startLine: 'HTTP/1.1 200 OK',
      framing: 'chunked',
      headers: [['Transfer-Encoding', 'chunked']],
      lastChunk: null,
      terminator: false,
      trailers: null,
      bodyLength: 2905,
      complete: false,
    });
    expect(message.chunks[0]).toEqual({ index: 0, offset: 47, sizeToken: '5DC', size: 1500, extensions: '', dataOffset: 52, dataLength: 1500, crlf: true });
    expect(message.anomalies).toEqual([
      expect.objectContaining({ code: 'missing-terminator', offset: 2966, message: expect.stringContaining('after chunk #2') }),
    ]);
  });

  it('exits 0 on an ok verdict and includes bodies with --body', async () => {
    const file = tempFile('ok.bin', response({ chunks: [{ data: 'hello ' }, { data: 'world' }], trailers: [['Checksum', 'abc']] }));
    const { status, stdout } = await runCli(['inspect', file, '--json', '--body']);
    expect(status).toBe(0);
    const [message] = JSON.parse(stdout).messages;
    expect(Buffer.from(message.body, 'base64').toString()).toBe('hello world');
    expect(message.trailers).toEqual([['Checksum', 'abc']]);
    expect(message.lastChunk).toEqual({ offset: 68, sizeToken: '0', extensions: '' }); // 47 + (3 + 6 + 2) + (3 + 5 + 2)
  });

  it('treats the end as still open with --eof open, and as a reset with --eof rst', async () => {
    const file = tempFile('two-chunks.bin', twoChunksNoEnd);
    const open = await runCli(['inspect', file, '--json', '--eof', 'open']);
    expect(open.status).toBe(0);
    expect(JSON.parse(open.stdout).messages[0].anomalies).toEqual([]);
    const rst = await runCli(['inspect', file, '--json', '--eof', 'rst']);
    expect(JSON.parse(rst.stdout).messages[0].anomalies[0].message).toContain('reset the connection (RST)');
  });

  it('reads responses with --methods, and guesses or takes the direction', async () => {
    const bytes = join(text('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n'), response({ body: 'done' }));
    const file = tempFile('head-then-get.bin', bytes);
    const withHead = JSON.parse((await runCli(['inspect', file, '--json', '--methods', 'HEAD,GET'])).stdout);
    expect(withHead.messages.map((m: { framing: string }) => m.framing)).toEqual(['none', 'content-length']);
    const asRequest = JSON.parse((await runCli(['inspect', file, '--json', '--as', 'request'])).stdout);
    expect(asRequest.direction).toBe('request');
    expect(asRequest.messages[0].anomalies[0].code).toBe('invalid-start-line');
    const requests = tempFile('post.bin', request({ chunks: [4] }));
    expect(JSON.parse((await runCli(['inspect', requests, '--json'])).stdout).direction).toBe('request');
  });
});

describe('chunkscope inspect FILE (for people)', () => {
  it('prints the ledger as a table, the terminator line and the anomalies', async () => {
    const file = tempFile('two-chunks.bin', twoChunksNoEnd);
    const { status, stdout } = await runCli(['inspect', file]);
    expect(status).toBe(3);
    expect(stdout).toMatch(/size as sent\s+decimal/);
    expect(stdout).toMatch(/1\s+47\s+5DC\s+1,500\s+1,500\s+ok/);
    expect(stdout).toMatch(/2\s+1,554\s+57D\s+1,405\s+1,405\s+ok/);
    expect(stdout).toContain('last chunk  missing');
    expect(stdout).toContain('✗ missing-terminator at byte 2,966: the server closed the connection (FIN) after chunk #2');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('verdict: error (1 error)');
  });

  it('cuts long ledgers short unless asked for all chunks', async () => {
    const file = tempFile('many.bin', response({ chunks: Array.from({ length: 250 }, () => ({ data: 'x' })) }));
    const short = await runCli(['inspect', file]);
    expect(short.stdout).toContain('… 50 more chunks');
    const all = await runCli(['inspect', file, '--all-chunks']);
    expect(all.stdout).not.toContain('more chunks');
    expect(all.stdout).toMatch(/250\s+[\d,]+\s+1\s/);
  });
});

describe('when inspect cannot run', () => {
  it('exits 2 with one line for a missing file', async () => {
    const { status, stderr, stdout } = await runCli(['inspect', '/nonexistent/capture.bin']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('chunkscope inspect: cannot read /nonexistent/capture.bin: no such file\n');
  });

  it('exits 2 for bad arguments', async () => {
    const file = tempFile('x.bin', twoChunksNoEnd);
    const badEof = await runCli(['inspect', file, '--eof', 'maybe']);
    expect(badEof.status).toBe(2);
    expect(badEof.stderr).toContain("argument 'maybe' is invalid");
    const badMethods = await runCli(['inspect', file, '--methods', 'GET HEAD']);
    expect(badMethods.status).toBe(2);
    expect(badMethods.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('chunkscope --help', () => {
  it('lists the commands, and each command has --help', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('inspect [options] <file>');
    const inspectHelp = await runCli(['inspect', '--help']);
    expect(inspectHelp.status).toBe(0);
    expect(inspectHelp.stdout).toContain('--eof <kind>');
  });
});

describe('chunkscope inspect on big inputs', () => {
  it('lists 200,000 chunks with --all-chunks', async () => {
    const file = tempFile('many.bin', response({ chunks: Array.from({ length: 200_000 }, () => ({ data: 'x' })) }));
    const all = await runCli(['inspect', file, '--all-chunks'], { timeoutMs: 60_000 });
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/200000\s+[\d,]+\s+1\s+1\s+1\s+ok/);
  });
});

describe('chunkscope inspect of a million-chunk response', () => {
  // One response of 3,000,000 one-byte chunks (18 MB): its whole JSON is longer than a
  // JavaScript string can hold, which made --json fail with "Invalid string length".
  const body = text(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'1\r\na\r\n'.repeat(3_000_000)}0\r\n\r\n`);

  it('--json lists the first 1,000 chunks and says how many there are', async () => {
    const file = tempFile('tiny-chunks.bin', body);
    const { status, stdout, stderr } = await runCli(['inspect', file, '--json'], { timeoutMs: 120_000 });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const [message] = JSON.parse(stdout).messages;
    expect(message).toMatchObject({ chunkCount: 3_000_000, chunksOmitted: 2_999_000, bodyLength: 3_000_000, terminator: true });
    expect(message.chunks).toHaveLength(1000);
  }, 120_000);

  it('--chunks first:N and all, and the table says how to see the rest', async () => {
    const file = tempFile('some-chunks.bin', text(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'1\r\na\r\n'.repeat(5000)}0\r\n\r\n`));
    const first = JSON.parse((await runCli(['inspect', file, '--json', '--chunks', 'first:10'])).stdout).messages[0];
    expect(first.chunks).toHaveLength(10);
    expect(first.chunksOmitted).toBe(4990);
    const all = JSON.parse((await runCli(['inspect', file, '--json', '--chunks', 'all'])).stdout).messages[0];
    expect(all.chunks).toHaveLength(5000);
    expect(all.chunksOmitted).toBeUndefined();
    const table = await runCli(['inspect', file]);
    expect(table.stdout).toContain('chunks      5,000, 5,000 bytes of data');
    expect(table.stdout).toContain('… 4,800 more chunks (--all-chunks shows them, --json --chunks all lists them)');
    expect((await runCli(['inspect', file, '--json', '--chunks', 'some'])).stderr).toContain('expected "all" or "first:N"');
  });
});
