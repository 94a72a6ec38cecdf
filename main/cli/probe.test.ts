// `chunkscope probe` as CI runs it, against real clients (curl, wget, Python's urllib,
// Node's fetch and http.get) and two that misbehave on purpose: the verdicts, the JSON,
// the JUnit XML, the table, the exit status, and nothing left running.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome, ProbeReport, ProbeResult } from '../../shared/probe';
import { PROBE_SCENARIOS } from '../probe/scenarios';
import { HAS_PROC, readStat } from '../probe/process-tree';
import { CertificateAuthority } from '../tls/ca';
import { runCli } from './test-support/run-cli';

const NODE = process.execPath;
const clients = (name: string) => fileURLToPath(new URL(`../probe/test-support/${name}`, import.meta.url));
const CURL = ['curl', '-sS', '-o', '/dev/null', '{url}'];

async function probe(args: string[], command: string[], timeoutMs = 60_000): Promise<{ status: number | null; report: ProbeReport; stderr: string }> {
  const result = await runCli(['probe', '--json', ...args, '--', ...command], { timeoutMs });
  if (!result.stdout) throw new Error(`no report; exit ${result.status}, stderr: ${result.stderr}`);
  return { status: result.status, report: JSON.parse(result.stdout) as ProbeReport, stderr: result.stderr };
}

const byName = (report: ProbeReport) => Object.fromEntries(report.results.map((r) => [r.scenario, r])) as Record<string, ProbeResult>;
/** Each scenario's outcome, exit status and whether it was as expected. */
const verdicts = (report: ProbeReport) => Object.fromEntries(report.results.map((r) => [r.scenario, [r.outcome, r.exitStatus, r.asExpected]]));

describe('chunkscope probe: curl, every scenario', () => {
  it('the verdict of each, the JSON and the JUnit XML; exit 1 since two are not as expected', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'chunkscope-probe-')), 'probe.xml');
    const { status, report } = await probe(['--timeout', '2', '--junit', junit], CURL, 120_000);
    const accepted = (ok = true): [ProbeOutcome, number, boolean] => ['accepted', 0, ok];
    const error = (exit: number): [ProbeOutcome, number, boolean] => ['reported-error', exit, true];
    expect(verdicts(report)).toEqual({
      ok: accepted(),
      'no-terminator': error(18), // "transfer closed with outstanding read data remaining"
      'reset-mid-chunk': error(56), // "Recv failure: Connection reset by peer"
      stall: accepted(),
      trailers: accepted(),
      extensions: accepted(),
      'sizes/upper': accepted(),
      'sizes/lower': accepted(),
      'sizes/zero-padded': accepted(),
      'malformed/bad-hex': accepted(false), // curl reads "5G" as 5 and skips to the LF
      'malformed/bare-lf': accepted(false),
      'malformed/missing-crlf': error(56),
      'malformed/overflow': error(56),
      'malformed/bad-extension': accepted(),
      'malformed/cl-and-te': accepted(),
      'huge-chunk': accepted(),
      'tiny-chunks': accepted(),
      'keepalive-reset': accepted(),
      gzip: accepted(),
      'content-length/shorter': accepted(),
      'content-length/longer': error(18),
      'close-delimited': accepted(),
    });
    expect(status).toBe(1);
    expect(report).toMatchObject({ https: false, timeoutSeconds: 2, asExpected: 20, notAsExpected: 2, command: CURL });
    const results = byName(report);
    for (const result of report.results) expect(result).toMatchObject({ hung: false, spinning: false, leftBehind: 0 });
    // What the lab sent and how curl closed: two chunks, then curl's FIN after the lab's.
    const cut = results['no-terminator']!;
    expect(cut.bytesSent).toBe(3006);
    expect(cut.connections).toMatchObject([{ requests: 1, labEnd: { how: 'fin' }, clientEnd: { how: 'fin' } }]);
    expect(results['reset-mid-chunk']!.connections[0]!.labEnd!.how).toBe('rst');
    expect(results['huge-chunk']!.bytesSent).toBeGreaterThan(64 * 1024 * 1024);
    // curl blocks in poll() through the stall: it waited, and used next to no CPU meanwhile.
    expect(results.stall!.waitingSeconds).toBeGreaterThan(0.5);
    expect(results.stall!.waitingCpuSeconds!).toBeLessThan(0.25 * results.stall!.waitingSeconds!);
    expect(results['malformed/bare-lf']!.verdict).toBe('accepted it (exit 0); a careful client reports an error: chunk lines ended by a bare LF, where RFC 9112 §7.1 requires CRLF');

    // The JUnit XML, read by a real XML parser: one test case per scenario, a failure for each ✗.
    const parsed = execFileSync('python3', ['-c', 'import json, sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); s = r.find("testsuite"); print(json.dumps({"tests": s.get("tests"), "failures": s.get("failures"), "cases": [c.get("name") for c in s.iter("testcase")], "failed": [c.get("name") for c in s.iter("testcase") if c.find("failure") is not None]}))', junit], { encoding: 'utf8' });
    expect(JSON.parse(parsed)).toEqual({ tests: '22', failures: '2', cases: PROBE_SCENARIOS.map((s) => s.name), failed: ['malformed/bad-hex', 'malformed/bare-lf'] });
  });

  it('a command that loops: curl retries on a new connection when the lab resets the reused one', async () => {
    const fourTimes = ['curl', '-sS', ...Array(4).fill(['-o', '/dev/null', '{url}']).flat()];
    const { status, report } = await probe(['--only', 'keepalive-reset'], fourTimes);
    expect(status).toBe(0);
    const [result] = report.results;
    expect(result).toMatchObject({ outcome: 'accepted', asExpected: true });
    // Three answered, the fourth request read and reset; then a new connection for it.
    expect(result!.connections).toMatchObject([{ requests: 4, labEnd: { how: 'rst' } }, { requests: 1 }]);
  });

  it('the table: a header, one row per scenario, then the verdicts; exit 0 when all are as expected', async () => {
    const { status, stdout } = await runCli(['probe', '--only', 'ok,no-terminator', '--', ...CURL]);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`probe  ${CURL.join(' ')}`);
    expect(lines[1]).toMatch(/^lab {4}http:\/\/127\.0\.0\.1:\d+, 2 scenarios, timeout 10\.0 s each$/);
    expect(lines[3]).toMatch(/^scenario\s+expects\s+exit\s+wall\s+cpu\s+hung\s+spin\s+sent\s+client closed\s+verdict$/);
    expect(lines[4]).toMatch(/^ok\s+accept\s+0\s+[\d.]+ m?s\s+[\d.]+ m?s\s+no\s+no\s+145 B\s+FIN at [\d.]+ m?s\s+✓ accepted$/);
    expect(lines[5]).toMatch(/^no-terminator\s+error\s+18\s+.*\s+no\s+no\s+2\.9 KB\s+FIN at [\d.]+ m?s\s+✓ error reported$/);
    expect(lines.at(-1)).toBe('all 2 verdicts are as expected');
  });
});

describe('chunkscope probe: other real clients', () => {
  it('wget (one try): reports the truncations, accepts a bare LF', async () => {
    const { report } = await probe(['--only', 'no-terminator,reset-mid-chunk,content-length/longer,malformed/bare-lf'], ['wget', '-q', '-O', '/dev/null', '--tries=1', '{url}']);
    expect(verdicts(report)).toEqual({
      'no-terminator': ['reported-error', 4, true],
      'reset-mid-chunk': ['reported-error', 4, true],
      'malformed/bare-lf': ['accepted', 0, false],
      'content-length/longer': ['reported-error', 4, true],
    });
  });

  it("Python's urllib: reports a missing last chunk and a bare LF; takes chunk data not followed by CRLF", async () => {
    const { report } = await probe(['--only', 'ok,no-terminator,malformed/bare-lf,malformed/missing-crlf'], ['python3', '-c', 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()', '{url}']);
    expect(verdicts(report)).toEqual({
      ok: ['accepted', 0, true],
      'no-terminator': ['reported-error', 1, true],
      'malformed/bare-lf': ['reported-error', 1, true],
      'malformed/missing-crlf': ['accepted', 0, false],
    });
  });

  it("Node's fetch: reports the reset and a bad size; takes chunk data not followed by CRLF", async () => {
    const { report } = await probe(['--only', 'reset-mid-chunk,malformed/bad-hex,malformed/missing-crlf,gzip'], [NODE, '-e', 'fetch(process.argv[1]).then((r) => r.arrayBuffer())', '{url}']);
    expect(verdicts(report)).toEqual({
      'reset-mid-chunk': ['reported-error', 1, true],
      'malformed/bad-hex': ['reported-error', 1, true],
      'malformed/missing-crlf': ['accepted', 0, false],
      gzip: ['accepted', 0, true],
    });
  });

  it("Node's http.get: reports the malformed framing and the bytes past Content-Length", async () => {
    const script = 'require("http").get(process.argv[1], (r) => { r.resume(); r.on("end", () => process.exit(0)); r.on("error", () => process.exit(1)); }).on("error", () => process.exit(1))';
    const { report } = await probe(['--only', 'no-terminator,malformed/missing-crlf,content-length/shorter,close-delimited'], [NODE, '-e', script, '{url}']);
    expect(verdicts(report)).toEqual({
      'no-terminator': ['reported-error', 1, true],
      'malformed/missing-crlf': ['reported-error', 1, true],
      'content-length/shorter': ['reported-error', 1, true],
      'close-delimited': ['accepted', 0, true],
    });
  });
});

const running = (pid: number) => {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
};

describe.skipIf(!HAS_PROC)('chunkscope probe: clients that misbehave on purpose (Linux: CPU from /proc)', () => {
  it('one that waits for ever for the last chunk: hung, blocked with next to no CPU; it and its sibling are killed', async () => {
    const pids = join(mkdtempSync(join(tmpdir(), 'chunkscope-probe-')), 'pids');
    // Two waiters, one in the background, each writing its pid: the whole tree must go.
    const waiter = `${NODE} ${clients('waits-for-last-chunk.mjs')} {url}`;
    const script = `${waiter} & echo $! >> ${pids}; ${waiter} & echo $! >> ${pids}; wait`;
    const { status, report } = await probe(['--timeout', '2', '--only', 'no-terminator'], ['sh', '-c', script]);
    expect(status).toBe(1);
    const [result] = report.results;
    expect(result).toMatchObject({ outcome: 'hung', hung: true, spinning: false, exitStatus: null, signal: 'SIGKILL', asExpected: false });
    expect(result!.waitingSeconds).toBeGreaterThan(0.5);
    expect(result!.waitingCpuSeconds!).toBeLessThan(0.25 * result!.waitingSeconds!);
    expect(result!.verdict).toMatch(/^hung: still running after 2\.0 s, killed with everything it started; blocked, not spinning: /);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started).toHaveLength(2);
    expect(started.filter(running)).toEqual([]);
  });

  it('one that busy-waits: hung and spinning on the missing last chunk, spinning through a stall', async () => {
    const { report } = await probe(['--timeout', '2', '--only', 'no-terminator,stall'], [NODE, clients('busy-waits.mjs'), '{url}']);
    const results = byName(report);
    expect(results['no-terminator']).toMatchObject({ outcome: 'hung', hung: true, spinning: true, asExpected: false });
    expect(results['no-terminator']!.verdict).toMatch(/^hung: still running after 2\.0 s, killed with everything it started; it spun while it waited for the server: /);
    expect(results.stall).toMatchObject({ outcome: 'accepted', hung: false, spinning: true, asExpected: false });
  });
});

describe('chunkscope probe --https', () => {
  it('the run CA reaches curl, urllib and fetch through their variables, and wget through {ca}', async () => {
    const only = ['--https', '--only', 'ok,no-terminator'];
    const curl = await probe(only, CURL);
    expect(verdicts(curl.report)).toEqual({ ok: ['accepted', 0, true], 'no-terminator': ['reported-error', 18, true] });
    expect(curl.report.lab).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const python = await probe(only, ['python3', '-c', 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()', '{url}']);
    expect(verdicts(python.report)).toEqual({ ok: ['accepted', 0, true], 'no-terminator': ['reported-error', 1, true] });
    const fetch = await probe(only, [NODE, '-e', 'fetch(process.argv[1]).then((r) => r.arrayBuffer())', '{url}']);
    expect(verdicts(fetch.report)).toEqual({ ok: ['accepted', 0, true], 'no-terminator': ['reported-error', 1, true] });
    const wget = await probe(only, ['wget', '-q', '-O', '/dev/null', '--tries=1', '--ca-certificate={ca}', '{url}']);
    expect(verdicts(wget.report)).toEqual({ ok: ['accepted', 0, true], 'no-terminator': ['reported-error', 4, true] });
  });

  it('a client that does not trust the CA is not tested: not as expected, and the sentence says why', async () => {
    const otherCa = await CertificateAuthority.load(mkdtempSync(join(tmpdir(), 'chunkscope-other-ca-')));
    const { status, report } = await probe(['--https', '--only', 'no-terminator'], ['curl', '-sS', '--cacert', otherCa.certPath, '{url}']);
    expect(status).toBe(1);
    const [result] = report.results;
    expect(result).toMatchObject({ outcome: 'reported-error', exitStatus: 60, asExpected: false });
    expect(result!.verdict).toBe(
      "reported an error (exit 60); the TLS handshake failed (tlsv1 alert unknown ca): does the command trust the run's CA? (SSL_CERT_FILE and the others are set; some clients need {ca})",
    );
  });
});

describe('chunkscope probe: what cannot run (exit 2, one line)', () => {
  it.each([
    [['--', 'curl', 'http://example.invalid/'], 'the command has no {url}: put {url} where the URL goes'],
    [['--only', 'bare-lf', '--', ...CURL], 'no scenario is named "bare-lf"; the scenarios: ok, no-terminator,'],
    [['--', 'curl', '--cacert', '{ca}', '{url}'], '{ca} is the CA of an https run: add --https'],
    [['--', 'no-such-client-here', '{url}'], 'cannot run no-such-client-here: no such command'],
    [[], 'give the command to probe, with {url} where the URL goes'],
  ])('probe %j', async (args, reason) => {
    const { status, stdout, stderr } = await runCli(['probe', ...args]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`chunkscope probe: ${reason}`);
  });
});
