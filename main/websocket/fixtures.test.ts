// Every fixture in fixtures/*.md, fed whole, one byte at a time and split at every
// position: the log must match the fixture, the events must not change, and the spans
// must cover every byte exactly once.

import { describe, expect, it } from 'vitest';
import { ANOMALY_CODES, isConnectionFinding, isWebSocketCode } from '../../shared/anomalies';
import { loadWsFixtures } from './test-support/fixtures';
import { bytewise, coverageProblem, normalize, parserOptions, piecesAt, runPieces, wsLog } from './test-support/run';

const fixtures = loadWsFixtures();

describe.each(fixtures.map((f) => [`${f.file}: ${f.name}`, f] as const))('%s', (_name, fixture) => {
  const options = parserOptions(fixture.as, fixture.extensions, fixture.limits);
  const whole = runPieces(fixture.as, [fixture.input], fixture.eof, options);
  const expected = JSON.stringify(normalize(whole));

  it('gives the expected log when fed whole', () => {
    expect(wsLog(whole)).toBe(fixture.expected);
  });

  it('accounts for every byte exactly once', () => {
    expect(coverageProblem(whole, fixture.input.length)).toBeNull();
  });

  it('gives the same events fed one byte at a time', () => {
    const run = runPieces(fixture.as, bytewise(fixture.input), fixture.eof, options);
    expect(JSON.stringify(normalize(run))).toBe(expected);
    expect(coverageProblem(run, fixture.input.length)).toBeNull();
  });

  it('gives the same events split in two at every position', () => {
    for (let cut = 1; cut < fixture.input.length; cut++) {
      const run = JSON.stringify(normalize(runPieces(fixture.as, piecesAt(fixture.input, [cut]), fixture.eof, options)));
      if (run !== expected) expect(JSON.parse(run), `split at byte ${cut}`).toEqual(JSON.parse(expected));
    }
  });
});

describe('the WebSocket fixtures', () => {
  it('cover every WebSocket code the frame parser finds (ws-no-close-frame is the connection’s, with playbooks of its own)', () => {
    const seen = new Set(fixtures.flatMap((f) => [...f.expected.matchAll(/^! ([a-z0-9-]+) /gm)].map((m) => m[1])));
    const missing = ANOMALY_CODES.filter((code) => isWebSocketCode(code) && !isConnectionFinding(code) && !seen.has(code));
    expect(missing).toEqual([]);
  });
});
