// The plan's text form: each fixture sends exactly its bytes; writing a plan back as text
// and reading it again changes no byte; a mistake is one sentence at its line, column and
// byte.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPlan } from './format';
import { loadPlanFixtures } from './test-support/plans';
import { parsePlan, plainText, PlanError } from './text';
import { planBytes, planNotes, planWire } from './wire';

const fixtures = loadPlanFixtures();

describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
  const plan = parsePlan(fixture.text);

  it('sends exactly the bytes written', () => {
    expect(planBytes(plan).toString('latin1')).toBe(fixture.bytes.toString('latin1'));
  });

  it('reads back from its text form to the same plan and bytes', () => {
    const text = formatPlan(plan);
    const again = parsePlan(text);
    expect(again).toEqual(plan);
    expect(planBytes(again).equals(fixture.bytes)).toBe(true);
    expect(formatPlan(again)).toBe(text);
  });
});

describe('the schedule', () => {
  const plan = parsePlan(fixtures.find((f) => f.name.startsWith('Several requests'))!.text);

  it('pauses where written, and writes each chunk apart', () => {
    const steps = planWire(plan).steps.map((s) => (s.kind === 'write' ? `write ${s.bytes.length}` : s.kind === 'pause' ? `pause ${s.ms}` : s.kind === 'await' ? `await ${s.answers}` : `end ${s.how}${s.afterAnswers ? ' after answers' : ''}`));
    expect(steps).toEqual(['write 62', 'write 6', 'pause 200', 'write 6', 'write 5', 'pause 1000', 'write 20', 'write 39', 'end fin after answers']);
  });

  it('waits for each answer unless pipelined, and repeats on one connection', () => {
    const sequential = planWire({ ...plan, pipeline: false }, 2);
    expect(sequential.requests).toBe(6);
    expect(sequential.steps.filter((s) => s.kind === 'await').map((s) => (s.kind === 'await' ? s.answers : 0))).toEqual([1, 2, 3, 4, 5]);
    expect(sequential.length).toBe(planBytes(plan).length * 2);
  });

  it('cuts after byte N: the requests after it are never started', () => {
    const cut = planWire({ ...plan, end: { how: 'rst', after: { byte: 70 } } });
    expect(cut.length).toBe(70);
    expect(cut.requests).toBe(1);
    expect(cut.steps.at(-1)).toEqual({ kind: 'end', how: 'rst', afterAnswers: false });
  });

  it('says what it sends on purpose, so a typo is not taken for a server bug', () => {
    const faults = parsePlan(fixtures.find((f) => f.name.startsWith('Faults'))!.text);
    expect(planNotes(faults)).toEqual([
      'chunk #1: its size line ends in a bare LF, not CRLF',
      'chunk #1: its data is followed by a bare LF, not CRLF',
      'chunk #2: its data is followed by nothing, not CRLF',
      'chunk #3: its data is followed by "XY", not CRLF',
      'chunk #4: the size 10 says 16 bytes, but its data is 5 bytes (a size that lies)',
      'chunk #5: its size line ends in "\\r", not CRLF',
      'the chunked body has no last chunk: it never ends',
    ]);
  });
});

describe('mistakes, said with their line, column and byte', () => {
  const cases: [string, string, string][] = [
    ['POST / HTTP/1.1\n\nchunk 5G\n', 'line 3, column 7 (byte 23)', 'the size "5G" is not hexadecimal, so it says no number of bytes: give the data too (chunk 5G "…")'],
    ['POST / HTTP/1.1\n\nchnk 5\n', 'line 3, column 1 (byte 17)', '"chnk" is not a body line: did you mean "chunk"?'],
    ['POST / HTTP/1.1\n\nchunk "abc\n', 'line 3, column 7 (byte 23)', 'this quoted string has no closing quote (")'],
    ['POST / HTTP/1.1\n\nchunk "a\\qb"\n', 'line 3, column 9 (byte 25)', '"\\q" is not an escape a quoted string knows'],
    ['POST / HTTP/1.1\n\nchunk 5 "hello" data-end=crlff\n', 'line 3, column 26 (byte 42)', 'data-end= takes crlf, lf, cr, none or a quoted string'],
    ['POST / HTTP/1.1\n\ntrailer X: 1\n', 'line 3, column 1 (byte 17)', 'a trailer comes right after the last chunk'],
    ['POST / HTTP/1.1\n\npause soon\n', 'line 3, column 7 (byte 23)', 'a pause is a duration: pause 200ms, pause 1.5s (got "soon")'],
    ['GET / HTTP/1.1\n\nend rst\n---\nGET / HTTP/1.1\n', 'line 4, column 1 (byte 24)', '"end" says how the connection ends, so it is the plan\'s last line (it is on line 3)'],
    ['GET / HTTP/1.1\n\nend rst soon\n', 'line 3, column 9 (byte 24)', '"soon" is not when a connection ends: end fin|rst [after answers | after byte N]'],
    ['to 127.0.0.1:9001\nGET / HTTP/1.1\n', 'line 1, column 4 (byte 3)', '"to" takes where to connect, http://HOST:PORT or https://HOST:PORT'],
    ['# only a comment\n', 'line 2, column 1 (byte 17)', 'the plan has no request'],
    ['POST / HTTP/1.1\n\nchunk 0\n', 'line 3, column 7 (byte 23)', 'a chunk of size 0 is the last chunk: write "last"'],
    ['POST / HTTP/1.1\n\nchunk FFFFFFFF\n', 'line 3, column 7 (byte 23)', 'chunk FFFFFFFF with no data would be 4,294,967,295 bytes of filler'],
  ];
  it.each(cases)('%j', (text, where, sentence) => {
    let error: unknown = null;
    try {
      parsePlan(plainText(text));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toContain(`${where}: ${sentence}`);
  });

  it('a quote in a request line is a byte of it, not the start of a string', () => {
    expect(planBytes(parsePlan('GET /a"b HTTP/1.1\n')).toString('latin1')).toBe('GET /a"b HTTP/1.1\r\n\r\n');
  });
});

describe("the README's plan", () => {
  it('reads, and sends what its comments say', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const block = /\*\*The plan format\.\*\*[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const plan = parsePlan(plainText(block));
    expect(plan.to).toBe('http://127.0.0.1:9001');
    expect(plan.requests.map((r) => (r.head.kind === 'lines' ? r.head.startLine : ''))).toEqual(['POST /upload HTTP/1.1', 'GET /ok HTTP/1.1']);
    expect(plan.end).toEqual({ how: 'rst', after: { byte: 3190 } });
    expect(planNotes(plan)).toEqual([
      'request #1, chunk #4: the size 10 says 16 bytes, but its data is 5 bytes (a size that lies)',
      'request #1, chunk #5: its size line ends in a bare LF, not CRLF',
      'request #1, chunk #5: its data is followed by a bare LF, not CRLF',
      'request #1, chunk #6: its data is followed by "XY", not CRLF',
      'Chunkscope resets the connection (RST) after byte 3,190: the bytes after it are never sent',
    ]);
    const bytes = planBytes(plan).toString('latin1');
    expect(bytes).toHaveLength(3190);
    expect(bytes.endsWith('\r\n7\r\nhello\r\n\r\n10\r\nshort\r\n3\nabc\n3\r\ndefXY0\r\nX-Checksum: 42\r\n\r\nGET /ok HTTP/1.')).toBe(true);
  });
});
