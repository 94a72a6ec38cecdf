// `chunkscope proxy --rule break-response…`: with no one to step it, a held response is
// released after --release-after, and the ⚙ lines say it was held and why it went on.
// (Stepping is the app's and `serve`'s, through the API: main/engine/breakpoints.test.ts.)

import { afterEach, describe, expect, it } from 'vitest';
import { startLab } from '../lab/lab';
import { curl } from '../proxy/test-support/clients';
import { runCli, startCli, type RunningCli } from './test-support/run-cli';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('chunkscope proxy with a breakpoint', () => {
  it('holds a matching response, says so, and releases it after --release-after', async () => {
    const lab = await startLab({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => lab.close());
    const cli: RunningCli = await startCli(['proxy', '--port', '0', '--reverse', lab.url, '--rule', 'break-response:1 path:/drip', '--release-after', '0.3']);
    cleanups.push(() => cli.kill('SIGKILL'));
    expect(await cli.waitForLine(/^rule: /)).toBe('rule: break-response:1 path:/drip (hold the response after 1 chunk, to step it (path /drip))');
    const result = await curl([`${cli.url}/drip?chunks=2&delay=0`]);
    expect(result.status).toBe(0);
    expect(result.output.toString('latin1')).toMatch(/\r\n\r\n7\r\ndrip 1\n\r\n7\r\ndrip 2\n\r\n0\r\n\r\n$/);
    expect(await cli.waitForLine(/⚙ c1 #1 .*held/)).toBe('  ⚙ c1 #1 break-response:1 path:/drip: held the response before chunk #2 (1 chunk delivered)');
    expect(await cli.waitForLine(/⚙ c1 #1 .*released/)).toBe('  ⚙ c1 #1 break-response:1 path:/drip: released the rest (before chunk #2 (1 chunk delivered)) as the server sends it: nobody stepped it for 300 ms');
    cli.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a --release-after longer than a day (a timer past 2^31 ms would fire at once), in one line', async () => {
    const result = await runCli(['proxy', '--port', '0', '--release-after', '3000000']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--release-after.*at most 86,400 \(a day\)/);
  });
});
