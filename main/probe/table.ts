// The probe's report for people: a table, one row per scenario as it ends, then each
// verdict that was not as expected in full, with the last words the command wrote on
// stderr.

import type { ProbeReport, ProbeResult } from '../../shared/probe';
import { probeClientClosed, probeExit, probeVerdict } from '../../shared/probe-words';
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

export function row(result: ProbeResult, width: number): string {
  return line(result.scenario, width, [
    result.expected,
    probeExit(result),
    duration(result.wallSeconds),
    result.cpuSeconds === null ? 'n/a' : duration(result.cpuSeconds),
    result.hung ? 'yes' : 'no',
    result.spinning ? 'yes' : 'no',
    size(result.bytesSent),
    probeClientClosed(result.connections),
    probeVerdict(result),
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
