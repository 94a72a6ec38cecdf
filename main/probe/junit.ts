// The probe's report as JUnit XML, which CI systems (GitHub Actions reporters, GitLab,
// Jenkins) show as tests: one test case per scenario, a failure for each verdict not as
// expected, what was measured in system-out and the command's stderr in system-err.

import type { ProbeReport, ProbeResult } from '../../shared/probe';
import { duration, size } from '../../shared/words';

/** Characters XML 1.0 cannot hold at all (most control characters, lone surrogates) become U+FFFD. */
function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const seconds = (s: number) => s.toFixed(3);

function measured(result: ProbeResult): string {
  const parts = [
    `outcome ${result.outcome}${result.exitStatus !== null ? ` (exit ${result.exitStatus})` : result.signal ? ` (${result.signal})` : ''}`,
    `wall ${duration(result.wallSeconds)}`,
    `cpu ${result.cpuSeconds === null ? 'not measured' : duration(result.cpuSeconds)}`,
    `hung ${result.hung ? 'yes' : 'no'}`,
    `spinning ${result.spinning ? 'yes' : 'no'}`,
    `sent ${size(result.bytesSent)} on ${result.connections.length} connection${result.connections.length === 1 ? '' : 's'}`,
    `url ${result.url}`,
    `a careful client ${result.careful}`,
  ];
  return parts.join('\n');
}

function testCase(result: ProbeResult): string {
  const lines = [`    <testcase classname="chunkscope.probe" name="${xmlText(result.scenario)}" time="${seconds(result.wallSeconds)}">`];
  if (!result.asExpected) lines.push(`      <failure type="${result.outcome}" message="${xmlText(result.verdict)}">${xmlText(result.verdict)}</failure>`);
  lines.push(`      <system-out>${xmlText(measured(result))}</system-out>`);
  if (result.stderr) lines.push(`      <system-err>${xmlText(result.stderr)}</system-err>`);
  lines.push('    </testcase>');
  return lines.join('\n');
}

export function junitXml(report: ProbeReport, timestamp = new Date()): string {
  const total = report.results.length;
  const time = seconds(report.results.reduce((sum, r) => sum + r.wallSeconds, 0));
  const name = xmlText(`chunkscope probe: ${report.command.join(' ')}`);
  const counts = `tests="${total}" failures="${report.notAsExpected}" errors="0"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="chunkscope probe" ${counts} time="${time}">`,
    `  <testsuite name="${name}" ${counts} skipped="0" time="${time}" timestamp="${timestamp.toISOString().slice(0, 19)}" hostname="localhost">`,
    '    <properties>',
    `      <property name="command" value="${xmlText(report.command.join(' '))}"/>`,
    `      <property name="lab" value="${xmlText(report.lab)}"/>`,
    `      <property name="https" value="${report.https}"/>`,
    `      <property name="timeout" value="${report.timeoutSeconds}"/>`,
    '    </properties>',
    ...report.results.map(testCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
