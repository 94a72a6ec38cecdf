// The scenarios `chunkscope probe` runs a client against, by the lab's names, and what a
// careful client does with each (RFC 9112). Order: the valid response first, then the
// truncations, the valid variants, the malformed framing, the loads, the lengths.

import { globToRegExp } from '../../shared/glob';
import type { ProbeExpectation } from '../../shared/probe';

export interface ProbeScenario {
  /** The lab's name: its path without the leading slash. */
  name: string;
  expected: ProbeExpectation;
  /** What a careful client does, for "a careful client …". */
  careful: string;
  /** The path and query on the lab, for a run with this per-scenario timeout. */
  target(timeoutSeconds: number): string;
}

function scenario(name: string, expected: ProbeExpectation, careful: string, query = ''): ProbeScenario {
  return { name, expected, careful, target: () => `/${name}${query}` };
}

export const PROBE_SCENARIOS: ProbeScenario[] = [
  scenario('ok', 'accept', 'reads the three chunks and the last chunk'),
  scenario('no-terminator', 'error', 'reports an error: the server closed the connection (FIN) after two chunks, without the zero-length last chunk'),
  scenario('reset-mid-chunk', 'error', 'reports an error: the server reset the connection (RST) in the middle of chunk #2'),
  {
    name: 'stall',
    expected: 'accept',
    careful: 'waits through the stall (half the timeout) without using the CPU, then reads the rest',
    // Long enough to see spinning, short enough to end before the timeout.
    target: (timeoutSeconds) => `/stall?ms=${Math.round(timeoutSeconds * 500)}`,
  },
  scenario('trailers', 'accept', 'reads the body and the trailer fields after the last chunk'),
  scenario('extensions', 'accept', 'ignores chunk extensions it does not know (RFC 9112 §7.1.1)'),
  scenario('sizes/upper', 'accept', 'reads chunk sizes in upper-case hex'),
  scenario('sizes/lower', 'accept', 'reads chunk sizes in lower-case hex'),
  scenario('sizes/zero-padded', 'accept', 'reads chunk sizes with leading zeros (RFC 9112 §7.1: 1*HEXDIG)'),
  scenario('malformed/bad-hex', 'error', 'reports an error: a chunk size that is not hex (5G)'),
  scenario('malformed/bare-lf', 'error', 'reports an error: chunk lines ended by a bare LF, where RFC 9112 §7.1 requires CRLF'),
  scenario('malformed/missing-crlf', 'error', 'reports an error: chunk data not followed by CRLF'),
  scenario('malformed/overflow', 'error', 'reports an error: a chunk size too large for any integer, rather than wrapping it around'),
  scenario('malformed/bad-extension', 'either', 'ignores the malformed chunk extension (5;=x) or reports it'),
  scenario('malformed/cl-and-te', 'either', 'reads the body as chunked (Transfer-Encoding wins, RFC 9112 §6.3) or reports the conflict'),
  scenario('huge-chunk', 'accept', 'reads one chunk of 64 MiB'),
  scenario('tiny-chunks', 'accept', 'reads a million one-byte chunks'),
  scenario(
    'keepalive-reset',
    'either',
    'retries on a new connection when a reused one is reset before any answer (RFC 9112 §9.3.1), or reports the reset',
    '?n=3',
  ),
  scenario('gzip', 'accept', 'reads a gzip body sent in chunks (Content-Encoding: gzip)'),
  scenario(
    'content-length/shorter',
    'either',
    'stops after the 10 bytes of Content-Length instead of waiting for the connection to close (it may report the 10 bytes too many)',
  ),
  scenario('content-length/longer', 'error', 'reports an error: the server closed the connection after 50 of the 100 bytes of Content-Length'),
  scenario('close-delimited', 'accept', 'reads the body until the server closes the connection'),
];

/** Names or globs ("malformed/*") that match no scenario. */
export function unknownNames(patterns: string[]): string[] {
  return patterns.filter((pattern) => !PROBE_SCENARIOS.some((s) => globToRegExp(pattern).test(s.name)));
}

/** The scenarios to run: those --only names (all by default), less those --skip names. */
export function chooseScenarios(only: string[], skip: string[]): ProbeScenario[] {
  const matches = (patterns: string[], name: string) => patterns.some((pattern) => globToRegExp(pattern).test(name));
  return PROBE_SCENARIOS.filter((s) => (only.length === 0 || matches(only, s.name)) && !matches(skip, s.name));
}
