// Every fixture in fixtures/*.md, fed whole, one byte at a time and split at every
// position: the ledger must match the fixture, the events must not change, and the
// spans must cover every byte exactly once.

import { describe, expect, it } from 'vitest';
import { ANOMALY_CODES, isConnectionFinding, isWebSocketCode } from '../../shared/anomalies';
import { loadFixtures } from './test-support/fixtures';
import { ledgerLog } from './test-support/ledger-log';
import { bytewise, coverageProblem, normalize, parserOptions, piecesAt, runPieces } from './test-support/run';

const fixtures = loadFixtures();

describe.each(fixtures.map((f) => [`${f.file}: ${f.name}`, f] as const))('%s', (_name, fixture) => {
  const options = parserOptions(fixture.as, fixture.methods, fixture.limits);
  const whole = runPieces(fixture.as, [fixture.input], fixture.eof, options);
  const expectedEvents = normalize(whole.events);

  it('gives the expected ledger when fed whole', () => {
    expect(ledgerLog(whole.report)).toBe(fixture.expected);
  });

  it('accounts for every byte exactly once', () => {
    expect(coverageProblem(whole.events, fixture.input.length)).toBeNull();
  });

  it('gives the same events fed one byte at a time', () => {
    const run = runPieces(fixture.as, bytewise(fixture.input), fixture.eof, options);
    expect(normalize(run.events)).toEqual(expectedEvents);
    expect(coverageProblem(run.events, fixture.input.length)).toBeNull();
  });

  it('gives the same events split in two at every position', () => {
    for (let cut = 1; cut < fixture.input.length; cut++) {
      const run = runPieces(fixture.as, piecesAt(fixture.input, [cut]), fixture.eof, options);
      const events = normalize(run.events);
      if (JSON.stringify(events) !== JSON.stringify(expectedEvents)) {
        expect(events, `split at byte ${cut}`).toEqual(expectedEvents);
      }
    }
  });
});

describe('the fixtures', () => {
  it('cover every anomaly code of spec/ANOMALIES.md (the connection findings have playbooks of their own, the WebSocket codes fixtures in main/websocket)', () => {
    const seen = new Set(fixtures.flatMap((f) => [...f.expected.matchAll(/! ([a-z0-9-]+) /g)].map((m) => m[1])));
    const missing = ANOMALY_CODES.filter((code) => !seen.has(code) && !isConnectionFinding(code) && !isWebSocketCode(code));
    expect(missing).toEqual([]);
  });

  it('cover HEAD, 204, 304, 1xx, CONNECT and pipelining', () => {
    const names = fixtures.map((f) => f.name).join('\n');
    for (const topic of ['HEAD', '204', '304', '100 Continue', '101', 'CONNECT', 'Pipelined', 'quoted', 'Trailers', 'Leading zeros', '5DC and 5dc']) {
      expect(names).toContain(topic);
    }
  });
});
