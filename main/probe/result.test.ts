// The verdicts and their words, from facts built by hand: what a user reads in the table,
// the JSON and the JUnit XML.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../shared/probe';
import { ConnectionLog } from '../lab/record';
import { scenarioNames } from '../lab/scenarios';
import { junitXml } from './junit';
import { probeResult } from './result';
import type { CommandRun } from './run-command';
import { chooseScenarios, PROBE_SCENARIOS, unknownNames, type ProbeScenario } from './scenarios';
import { row, summary } from './table';

const scenario = (name: string): ProbeScenario => PROBE_SCENARIOS.find((s) => s.name === name)!;

function run(overrides: Partial<CommandRun> = {}): CommandRun {
  return {
    startedAt: 1000,
    exitStatus: 0,
    signal: null,
    hung: false,
    interrupted: false,
    wallSeconds: 0.2,
    cpuSeconds: 0.01,
    waitingSeconds: 0,
    waitingCpuSeconds: 0,
    stderr: '',
    leftBehind: 0,
    survivors: 0,
    ...overrides,
  };
}

/** A connection on which the client asked once; the lab sent `bytes`. */
function connection(bytes = 3006, requests = 1): ConnectionLog {
  const log = new ConnectionLog(50000);
  for (let i = 0; i < requests; i++) log.request();
  log.writing(bytes);
  log.sent(bytes);
  return log;
}

const judge = (name: string, facts: Partial<CommandRun>, logs = [connection()]) => probeResult(scenario(name), `http://127.0.0.1:9/${name}`, run(facts), logs, 2);

describe('verdicts', () => {
  it('a truncation reported is as expected; accepted, it is not, and the sentence says what a careful client does', () => {
    expect(judge('no-terminator', { exitStatus: 18 })).toMatchObject({ outcome: 'reported-error', asExpected: true, verdict: 'reported an error (exit 18)' });
    expect(judge('no-terminator', { exitStatus: 0 })).toMatchObject({
      outcome: 'accepted',
      asExpected: false,
      verdict: 'accepted it (exit 0); a careful client reports an error: the server closed the connection (FIN) after two chunks, without the zero-length last chunk',
    });
  });

  it('a valid variant accepted is as expected; an error on it is not', () => {
    expect(judge('sizes/lower', { exitStatus: 0 }).asExpected).toBe(true);
    expect(judge('sizes/lower', { exitStatus: 1 })).toMatchObject({ asExpected: false, verdict: 'reported an error (exit 1); a careful client reads chunk sizes in lower-case hex' });
  });

  it('"either": both exits are as expected', () => {
    expect(judge('keepalive-reset', { exitStatus: 0 }).asExpected).toBe(true);
    expect(judge('keepalive-reset', { exitStatus: 56 }).asExpected).toBe(true);
  });

  it('hung: never as expected, even where an error is; blocked or spinning, in words', () => {
    const blocked = judge('no-terminator', { hung: true, exitStatus: null, signal: 'SIGKILL', cpuSeconds: 0.07, waitingSeconds: 1.8, waitingCpuSeconds: 0 });
    expect(blocked).toMatchObject({ outcome: 'hung', hung: true, spinning: false, asExpected: false });
    expect(blocked.verdict).toBe('hung: still running after 2.0 s, killed with everything it started; blocked, not spinning: 0.0 ms of CPU in 1.8 s of waiting');
    const spinning = judge('no-terminator', { hung: true, exitStatus: null, signal: 'SIGKILL', cpuSeconds: 1.8, waitingSeconds: 1.7, waitingCpuSeconds: 1.6 });
    expect(spinning).toMatchObject({ spinning: true, asExpected: false });
    expect(spinning.verdict).toBe('hung: still running after 2.0 s, killed with everything it started; it spun while it waited for the server: 1.6 s of CPU in 1.7 s of waiting');
  });

  it('spinning: at a quarter of a CPU or more over half a second of waiting, even when it then accepts', () => {
    expect(judge('stall', { waitingSeconds: 1, waitingCpuSeconds: 0.25 })).toMatchObject({ spinning: true, asExpected: false });
    expect(judge('stall', { waitingSeconds: 1, waitingCpuSeconds: 0.24 })).toMatchObject({ spinning: false, asExpected: true });
    // Too short a wait to tell: a busy start-up is not spinning.
    expect(judge('stall', { waitingSeconds: 0.4, waitingCpuSeconds: 0.4 }).spinning).toBe(false);
    // Not measured (no /proc): never called spinning.
    expect(judge('stall', { cpuSeconds: null, waitingSeconds: null, waitingCpuSeconds: null }).spinning).toBe(false);
  });

  it('processes left running when it ended are said, and do not change the verdict', () => {
    expect(judge('ok', { leftBehind: 2 })).toMatchObject({ asExpected: true, leftBehind: 2, verdict: 'accepted it (exit 0); it left 2 processes running, killed since' });
  });

  it('a crash is never as expected', () => {
    expect(judge('no-terminator', { exitStatus: null, signal: 'SIGSEGV' })).toMatchObject({ outcome: 'crashed', asExpected: false, verdict: 'crashed (SIGSEGV); a careful client reports an error: the server closed the connection (FIN) after two chunks, without the zero-length last chunk' });
  });

  it('a command that never asked the lab was not tested, whatever its exit status', () => {
    expect(judge('no-terminator', { exitStatus: 1 }, [])).toMatchObject({
      asExpected: false,
      verdict: 'reported an error (exit 1); it sent no request to the lab: is {url} in the command where the URL goes?',
    });
  });

  it('connections: times in seconds since the command started, ends as the lab saw them', () => {
    const log = connection(2000);
    log.labEnded('rst');
    const result = judge('reset-mid-chunk', { exitStatus: 56, startedAt: log.openedAt - 250 }, [log]);
    expect(result.connections).toEqual([{ openedAt: 0.25, requests: 1, bytesSent: 2000, labEnd: { how: 'rst', at: expect.any(Number) }, clientEnd: null, tlsFailure: null }]);
    expect(result.bytesSent).toBe(2000);
  });
});

describe('the table', () => {
  it('a row: the measures in columns, the verdict last', () => {
    const result = judge('no-terminator', { exitStatus: 18, wallSeconds: 0.2154, cpuSeconds: 0.01 });
    expect(row(result, 16)).toBe('no-terminator   error   18      215 ms   10 ms    no   no   2.9 KB    never                    ✓ error reported');
  });

  it('the summary: each verdict not as expected in full, with the last line of stderr', () => {
    const bad = { ...judge('malformed/bare-lf', { exitStatus: 0, stderr: 'warning: one\nthe last words\n\n' }) };
    const report: ProbeReport = { command: ['c', '{url}'], https: false, timeoutSeconds: 2, lab: 'http://127.0.0.1:9', results: [judge('ok', {}), bad], asExpected: 1, notAsExpected: 1 };
    expect(summary(report)).toBe(
      [
        '',
        '1 of 2 verdicts as expected; not as expected:',
        '  ✗ malformed/bare-lf: accepted it (exit 0); a careful client reports an error: chunk lines ended by a bare LF, where RFC 9112 §7.1 requires CRLF',
        '      stderr: the last words',
      ].join('\n'),
    );
  });
});

describe('JUnit XML', () => {
  it('stays well-formed whatever the command wrote: control bytes, markup, a CDATA end', () => {
    const nasty = 'curl: (18) <b>&amp;</b> "quoted" ]]> \u0000\u0007\u001b[31m\ud800 end';
    const report: ProbeReport = { command: ['sh', '-c', 'x < y && "{url}"'], https: true, timeoutSeconds: 2, lab: 'https://127.0.0.1:9', results: [judge('no-terminator', { exitStatus: 0, stderr: nasty }), judge('ok', {})], asExpected: 1, notAsExpected: 1 };
    const file = join(mkdtempSync(join(tmpdir(), 'chunkscope-junit-')), 'probe.xml');
    writeFileSync(file, junitXml(report));
    const read = execFileSync('python3', ['-c', 'import json, sys, xml.etree.ElementTree as ET; s = ET.parse(sys.argv[1]).getroot().find("testsuite"); c = s.find("testcase"); print(json.dumps([s.get("name"), s.get("failures"), c.find("failure").get("message"), c.find("system-err").text]))', file], { encoding: 'utf8' });
    expect(JSON.parse(read)).toEqual([
      'chunkscope probe: sh -c x < y && "{url}"',
      '1',
      'accepted it (exit 0); a careful client reports an error: the server closed the connection (FIN) after two chunks, without the zero-length last chunk',
      'curl: (18) <b>&amp;</b> "quoted" ]]> \ufffd\ufffd\ufffd[31m\ufffd end',
    ]);
  });
});

describe('the scenarios', () => {
  it("are the lab's, by the same names, and each URL is one of the lab's", () => {
    const lab = scenarioNames();
    for (const s of PROBE_SCENARIOS) expect(lab).toContain(s.name);
    expect(PROBE_SCENARIOS.find((s) => s.name === 'stall')!.target(3)).toBe('/stall?ms=1500');
  });

  it('--only and --skip take names and globs', () => {
    expect(chooseScenarios(['malformed/*'], ['*/bare-lf']).map((s) => s.name)).toEqual(['malformed/bad-hex', 'malformed/missing-crlf', 'malformed/overflow', 'malformed/bad-extension', 'malformed/cl-and-te']);
    expect(chooseScenarios([], []).length).toBe(PROBE_SCENARIOS.length);
    expect(unknownNames(['ok', 'sizes/*', 'bare-lf'])).toEqual(['bare-lf']);
  });
});
