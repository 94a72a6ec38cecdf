// `chunkscope inspect CAPTURE` on a capture whose exchanges the user marked in the app
// (pinned, commented: `mark` events): each mark said under its exchange, listed in the
// summary of a large capture, and `mark` in --json; a mark taken away shows nowhere.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../capture/format';
import { writeCaptureFile } from '../capture/write-file';
import { connectionRecords, get, response } from '../search/test-support/captures';
import { runCli } from './test-support/run-cli';

/** `count` connections of one GET each; the user's marks added before the end. */
function markedCapture(count: number, marks: { connection: number; pinned: boolean; comment: string }[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'chunkscope-marks-')), 'marked.cscap');
  const records = [...connectionRecords(Array.from({ length: count }, (_, n) => ({ sent: [get(`/item/${n + 1}`)], received: [response(['Content-Length: 2'], 'ok')] })))];
  const end = records.pop()!;
  const markEvents: CaptureRecord[] = marks.map((m, i) => ({ type: 'mark', connection: m.connection, time: 1 + i, exchange: 0, pinned: m.pinned, comment: m.comment }));
  writeCaptureFile(path, [...records, ...markEvents, end]);
  return path;
}

describe('chunkscope inspect CAPTURE with marks', () => {
  it('says each mark under its exchange, in words and in --json', async () => {
    const path = markedCapture(3, [
      { connection: 1, pinned: true, comment: 'stuck after chunk 2' },
      { connection: 2, pinned: false, comment: 'slow' },
      { connection: 3, pinned: true, comment: '' },
      // Connection 3's pin taken away again: the last mark of an exchange is the one that holds.
      { connection: 3, pinned: false, comment: '' },
    ]);
    const human = await runCli(['inspect', path]);
    expect(human.status).toBe(0);
    const lines = human.stdout.split('\n').map((l) => l.trim());
    expect(lines).toContain('★ #1 pinned; comment: “stuck after chunk 2”');
    expect(lines).toContain('★ #1 comment: “slow”');
    expect(lines.filter((l) => l.startsWith('★'))).toHaveLength(2);

    const json = JSON.parse((await runCli(['inspect', path, '--json'])).stdout) as { connections: { exchanges: { mark?: unknown }[] }[] };
    expect(json.connections.map((c) => c.exchanges[0]!.mark ?? null)).toEqual([{ pinned: true, comment: 'stuck after chunk 2' }, { pinned: false, comment: 'slow' }, null]);
  });

  it('lists the marked exchanges of a capture too large to list whole', async () => {
    const path = markedCapture(150, [
      { connection: 7, pinned: true, comment: '' },
      { connection: 120, pinned: false, comment: 'the one that \u001b[2Jbroke' },
    ]);
    const { status, stdout } = await runCli(['inspect', path]);
    expect(status).toBe(0);
    const lines = stdout.split('\n').map((l) => l.trim());
    const at = lines.indexOf('exchanges marked (2):');
    expect(at).toBeGreaterThan(0);
    // A comment's control characters are escaped, as every text from a capture is.
    expect(lines.slice(at + 1, at + 3)).toEqual(['c7 #1 GET /item/7 ★ pinned', 'c120 #1 GET /item/120 ★ comment: “the one that \\x1b[2Jbroke”']);
  });
});
