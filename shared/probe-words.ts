// A probe's result in the words of its table's cells: how the command ended, how the
// client closed its connection, the short verdict. One wording, read by `chunkscope
// probe`'s table (main/probe/table.ts) and the app's "Probe a client" panel.

import type { ProbeConnection, ProbeResult } from './probe';
import { duration } from './words';

/** "0", "18", "killed" (hung), or the signal that ended it. */
export function probeExit(result: Pick<ProbeResult, 'hung' | 'exitStatus' | 'signal'>): string {
  if (result.hung) return 'killed';
  return result.exitStatus === null ? (result.signal ?? '?') : String(result.exitStatus);
}

/** How the client ended its side of the last connection: "FIN at 215 ms (2 conn.)". */
export function probeClientClosed(connections: ProbeConnection[]): string {
  const last = connections.at(-1);
  if (!last) return 'no connection';
  const end = last.clientEnd
    ? `${last.clientEnd.how === 'error' ? 'error' : last.clientEnd.how.toUpperCase()} at ${duration(last.clientEnd.at)}`
    : last.labEnd?.how === 'rst'
      ? 'reset by the lab'
      : 'never';
  return connections.length > 1 ? `${end} (${connections.length} conn.)` : end;
}

/** "✓ error reported", "✗ hung, spinning", "✗ accepted, no request". */
export function probeVerdict(result: Pick<ProbeResult, 'asExpected' | 'outcome' | 'spinning' | 'connections'>): string {
  const words: Record<ProbeResult['outcome'], string> = { accepted: 'accepted', 'reported-error': 'error reported', hung: 'hung', crashed: 'crashed' };
  const extra = [result.spinning ? 'spinning' : null, result.connections.every((c) => c.requests === 0) ? 'no request' : null].filter(Boolean);
  return `${result.asExpected ? '✓' : '✗'} ${words[result.outcome]}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}
