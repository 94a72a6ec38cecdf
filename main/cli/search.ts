// chunkscope search CAPTURE QUERY: the app's search from the terminal, the same search
// (main/search, in the engine's worker thread with its guard), one line per match as it
// is found. A command of its own rather than an `inspect --grep`: inspect's output and
// exit status are the framing verdict (spec/INSPECT.md), a search's are grep's (found,
// not found).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseExchangeId } from '../../shared/exchange-id';
import { SEARCH_PARTS, type BodyForm, type SearchArgs, type SearchMatch, type SearchPart, type SearchUpdate } from '../../shared/search';
import { groupDigits, plural, size } from '../../shared/words';
import { writeCaptureFile } from '../capture/write-file';
import { startSearchThread } from '../engine/search-thread';
import { compileQuery, QueryError } from '../search/query';
import { captureSize } from '../search/scan';
import { CliError, EXIT } from './errors';
import { open } from './export';

interface SearchFlags {
  regex?: boolean;
  caseSensitive?: boolean;
  in?: SearchPart[];
  form?: BodyForm;
  exchange?: string[];
  json?: boolean;
}

export function registerSearch(program: Command, out: (text: string) => void): void {
  program
    .command('search')
    .summary('find text or a regular expression in the headers and bodies of a capture')
    .description(
      'Search every exchange of a capture (or a HAR, or a pcap) for QUERY: the header sections as sent, and each body ' +
        'as sent (chunk framing removed) and decoded (gzip, deflate, br removed). Plain text matches ASCII letters in any case. ' +
        'Prints one line per match as it is found: the exchange, where, the byte offset and the match in its context. ' +
        'Exit status: 0 found, 1 not found, 2 could not search.',
    )
    .argument('<capture>', 'a capture, a HAR or a pcap/pcapng file (recognised by content)')
    .argument('<query>', 'the text to find (or, with --regex, a regular expression; /pattern/i for any case)')
    .option('-E, --regex', 'QUERY is a JavaScript regular expression, run over the bytes (one character per byte)')
    .option('-s, --case-sensitive', 'match letters in the case typed')
    .option('--in <parts>', `search only these parts: ${SEARCH_PARTS.join(', ')} (comma-separated)`, parseParts)
    .option('--form <form>', 'search bodies only as sent, or only decoded', parseForm)
    .option('--exchange <c1#2>', 'search only this exchange (repeatable)', (text: string, list: string[] = []) => [...list, parseExchange(text)])
    .option('--json', 'print the matches as one JSON document at the end')
    .action(async (capture: string, query: string, flags: SearchFlags) => {
      if (flags.regex && flags.caseSensitive) throw new CliError('chunkscope search: --regex is case-sensitive already (write /pattern/i for any case); leave out --case-sensitive');
      const args: SearchArgs = { query, mode: flags.regex ? 'regex' : flags.caseSensitive ? 'case-sensitive' : 'text' };
      if (flags.in || flags.form || flags.exchange) args.scope = { parts: flags.in, forms: flags.form ? [flags.form] : undefined, exchanges: flags.exchange };
      try {
        compileQuery(query, args.mode);
      } catch (error) {
        if (error instanceof QueryError) throw new CliError(`chunkscope search: ${error.message}`);
        throw error;
      }
      const { path, done } = asCapture(capture);
      try {
        const last = await run(path, args, flags.json === true ? () => undefined : (m) => out(matchLine(m)));
        for (const note of last.notes) process.stderr.write(`note: ${note}\n`);
        if (last.limited) process.stderr.write(`note: ${last.limited}\n`);
        if (last.state === 'failed') throw new CliError(`chunkscope search: ${last.error}`);
        if (flags.json) out(JSON.stringify({ query, mode: args.mode, exchanges: last.exchanges, matchCount: last.matchCount, matches: last.matches, limited: last.limited, notes: last.notes }, null, 2));
        process.stderr.write(`${plural(last.matchCount, 'match', 'matches')} in ${plural(last.exchanges, 'exchange')}; ${size(last.progress.total)} of capture searched\n`);
        if (last.matchCount === 0) process.exitCode = EXIT.notCompliant;
      } finally {
        done();
      }
    });
}

/** Run the search; each match as it comes; the last update with every match listed. */
function run(path: string, args: SearchArgs, each: (match: SearchMatch) => void): Promise<Omit<SearchUpdate, 'id'>> {
  const matches: SearchMatch[] = [];
  return new Promise((resolve) => {
    startSearchThread(path, args, { until: captureSize(path) }, (update) => {
      for (const match of update.matches) each(match);
      matches.push(...update.matches);
      if (update.state !== 'running') resolve({ ...update, matches });
    });
  });
}

/** A HAR or a pcap is searched as the capture it becomes (written to a private temporary folder). */
function asCapture(path: string): { path: string; done: () => void } {
  const source = open(path, 'search');
  if (source.kind === 'capture') return { path, done: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-search-'));
  const capture = join(dir, 'imported.cscap');
  writeCaptureFile(capture, source.records);
  for (const note of source.notes) process.stderr.write(`note: ${note}\n`);
  return { path: capture, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** "c3 #1 response body (decoded) at byte 11: …the »needle« in the feed…" */
export function matchLine(m: SearchMatch): string {
  const ref = parseExchangeId(m.id)!;
  const where = `${m.direction} ${m.part}${m.part === 'body' ? (m.form === 'decoded' ? ' (decoded)' : ' (as sent)') : ''}`;
  return `c${ref.connection} #${ref.index + 1} ${where} at byte ${groupDigits(m.offset)}: …${m.context.before}»${m.context.match}«${m.context.after}…`;
}

function parseParts(text: string): SearchPart[] {
  const parts = text.split(',').map((p) => p.trim());
  const bad = parts.find((p) => !(SEARCH_PARTS as readonly string[]).includes(p));
  if (bad !== undefined) throw new CliError(`chunkscope search: --in takes ${SEARCH_PARTS.join(', ')} (comma-separated), not "${bad}"`);
  return parts as SearchPart[];
}

function parseForm(text: string): BodyForm {
  if (text !== 'sent' && text !== 'decoded') throw new CliError(`chunkscope search: --form takes sent or decoded, not "${text}"`);
  return text;
}

function parseExchange(text: string): string {
  const m = /^c?(\d+)[#:](\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new CliError(`chunkscope search: --exchange takes an exchange like c1#2 (request #2 on connection c1), not "${text}"`);
  return `${m[1]}:${Number(m[2]) - 1}`;
}
