// The probe's report for people: a table, one row per scenario as it ends, then each
// verdict that was not as expected in full, with the last words the command wrote on
// stderr.

import type { ProbeConnection, ProbeReport, ProbeResult } from '../../shared/probe';
import { duration, plural, size } from '../../shared/words';

const COLUMNS: [string, number][] = [
  ['expects', 8],
  ['exit', 8],
  ['wall', 9],
  ['cpu', 9],
  ['hung', 5],
  ['spin', 5],
  ['sent', 10],
  ['client closed', 25],
  ['verdict', 0],
];

function line(name: string, nameWidth: number, cells: string[]): string {
  return (name.padEnd(nameWidth) + cells.map((cell, i) => (COLUMNS[i]![1] ? cell.padEnd(COLUMNS[i]![1]) : cell)).join('')).trimEnd();
}

export function nameWidth(names: string[]): number {
  return Math.max('scenario'.length, ...names.map((n) => n.length)) + 2;
}

export function header(command: string[], lab: string, scenarios: number, timeoutSeconds: number, width: number): string {
  return [
    `probe  ${command.join(' ')}`,
    `lab    ${lab}, ${plural(scenarios, 'scenario')}, timeout ${duration(timeoutSeconds)} each`,
    '',
    line('scenario', width, COLUMNS.map(([title]) => title)),
  ].join('\n');
}

/** How the client ended its side of the last connection: "FIN at 215 ms (2 connections)". */
function closedCell(connections: ProbeConnection[]): string {
  const last = connections.at(-1);
  if (!last) return 'no connection';
  const end = last.clientEnd
    ? `${last.clientEnd.how === 'error' ? 'error' : last.clientEnd.how.toUpperCase()} at ${duration(last.clientEnd.at)}`
    : last.labEnd?.how === 'rst'
      ? 'reset by the lab'
      : 'never';
  return connections.length > 1 ? `${end} (${connections.length} conn.)` : end;
}

function exitCell(result: ProbeResult): string {
  if (result.hung) return 'killed';
  return result.exitStatus === null ? (result.signal ?? '?') : String(result.exitStatus);
}

function verdictCell(result: ProbeResult): string {
  const words: Record<ProbeResult['outcome'], string> = { accepted: 'accepted', 'reported-error': 'error reported', hung: 'hung', crashed: 'crashed' };
  const extra = [result.spinning ? 'spinning' : null, result.connections.every((c) => c.requests === 0) ? 'no request' : null].filter(Boolean);
  return `${result.asExpected ? '✓' : '✗'} ${words[result.outcome]}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

export function row(result: ProbeResult, width: number): string {
  return line(result.scenario, width, [
    result.expected,
    exitCell(result),
    duration(result.wallSeconds),
    result.cpuSeconds === null ? 'n/a' : duration(result.cpuSeconds),
    result.hung ? 'yes' : 'no',
    result.spinning ? 'yes' : 'no',
    size(result.bytesSent),
    closedCell(result.connections),
    verdictCell(result),
  ]);
}

/** The last non-empty line the command wrote on stderr. */
function lastWords(stderr: string): string | null {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1)?.slice(0, 200) ?? null;
}

export function summary(report: ProbeReport): string {
  const total = report.results.length;
  const lines = [''];
  if (report.notAsExpected === 0) {
    lines.push(`${total === 1 ? 'the verdict is' : `all ${plural(total, 'verdict')} are`} as expected`);
    return lines.join('\n');
  }
  lines.push(`${report.asExpected} of ${plural(total, 'verdict')} as expected; not as expected:`);
  for (const result of report.results.filter((r) => !r.asExpected)) {
    lines.push(`  ✗ ${result.scenario}: ${result.verdict}`);
    const words = lastWords(result.stderr);
    if (words) lines.push(`      stderr: ${words}`);
  }
  return lines.join('\n');
}
