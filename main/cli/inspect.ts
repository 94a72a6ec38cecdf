// chunkscope inspect FILE: analyse bytes already on disk (spec/INSPECT.md).

import { Option, type Command } from 'commander';
import { parseChunks } from './options';
import { writeJson } from '../export/json-out';
import type { Direction, EndKind } from '../../shared/http1';
import type { CaptureRecord } from '../capture/format';
import { CaptureFormatError, describeDamage, readRecords, type ReadResult } from '../capture/reader';
import { captureJson, formatCapture, inspectRecords } from '../inspect/capture';
import { sourceKind } from '../import/source';
import { open } from './export';
import { formatHuman } from '../inspect/human';
import { guessDirection, inspectRaw, rawReportJson } from '../inspect/raw';
import { CliError, EXIT } from './errors';
import { openForReading, readPieces, readStart } from './read-file';

interface InspectFlags {
  as?: Direction;
  eof: EndKind;
  methods?: string;
  body?: boolean;
  json?: boolean;
  allChunks?: boolean;
  all?: boolean;
  chunks?: number | true;
}

/** The chunks listed per message unless asked: a million need not print 421 MB. */
export const DEFAULT_LISTED_CHUNKS = 1000;


/** Write a JSON document to standard output in pieces: it may be larger than a string can hold. */
function printJson(value: unknown): Promise<void> {
  return writeJson(value, process.stdout);
}

export function registerInspect(program: Command, out: (text: string) => void): void {
  program
    .command('inspect')
    .summary('analyse raw HTTP/1.1 bytes of one direction, or a capture')
    .description(
      'Analyse raw HTTP/1.1 bytes of one direction of a connection: the chunk ledger (each size line as sent), ' +
        'the last chunk, trailers and every framing anomaly with its byte offset. ' +
        'Exit status: 0 when the verdict is ok, 3 when it is error, 2 when the command could not run.',
    )
    .argument('<file>', 'raw bytes of one direction, or a capture (recognised by its content, whatever its name)')
    .addOption(new Option('--as <direction>', 'which direction the bytes are (default: guessed from the first line)').choices(['request', 'response']))
    .addOption(new Option('--eof <kind>', 'how the connection ended after the last byte').choices(['fin', 'rst', 'open']).default('fin'))
    .option('--methods <list>', 'for responses: the request methods in order, comma-separated (default: GET for each)')
    .option('--body', 'include each message’s decoded body (base64) in the JSON')
    .option('--json', 'print one JSON document (the shape of spec/INSPECT.md)')
    .option('--all-chunks', 'list every chunk in the table (default: the first 200 of each message)')
    .option('--all', 'for a capture of many exchanges: list every connection and exchange, not only the summary and what went wrong')
    .option('--chunks <all|first:N>', `chunk records listed per message in --json (default first:${DEFAULT_LISTED_CHUNKS}; chunkCount and chunksOmitted say how many there are)`, parseChunks)
    .action(async (file: string, flags: InspectFlags) => {
      // The table lists the first 200 unless --all-chunks; --json the first 1,000 unless --chunks.
      const keepChunks = flags.chunks ?? (flags.allChunks ? true : flags.json ? DEFAULT_LISTED_CHUNKS : 200);
      const fd = openForReading(file, 'inspect');
      const start = readStart(fd, 256);
      const kind = flags.as ? null : sourceKind(start);
      if (kind === 'har' || kind === 'pcap') {
        const source = open(file, 'inspect');
        const report = inspectRecords(source.records, keepChunks);
        const notes = kind === 'har' ? ['imported from a HAR: the bytes are rebuilt from what it recorded', ...source.notes] : source.notes;
        if (flags.json) await printJson({ source: kind, notes, ...captureJson(report) });
        else out([`${kind === 'har' ? 'HAR' : 'packet capture'}: ${file}`, ...notes.map((n) => `note: ${n}`), formatCapture(report, { maxChunks: flags.allChunks ? 0 : 200, all: flags.all === true })].join('\n'));
        process.exitCode = report.connections.some((c) => c.verdict === 'error') ? EXIT.verdictError : EXIT.ok;
        return;
      }
      if (kind === 'capture') {
        let read;
        try {
          read = readCapture(readPieces(fd), keepChunks);
        } catch (error) {
          if (error instanceof CaptureFormatError) throw new CliError(`chunkscope inspect: ${file} is a damaged capture: ${error.message}`);
          throw error;
        }
        const { report, result } = read;
        // What was skipped goes to stderr, one line each: the report is of the rest.
        for (const damage of result.damage.slice(0, MAX_DAMAGE_LINES)) process.stderr.write(`chunkscope inspect: ${file}: skipped ${describeDamage(damage)}\n`);
        if (result.damageCount > MAX_DAMAGE_LINES) process.stderr.write(`chunkscope inspect: ${file}: … and ${(result.damageCount - MAX_DAMAGE_LINES).toLocaleString('en-US')} more damaged parts skipped\n`);
        const notes = result.damage.map((d) => `skipped ${describeDamage(d)}`);
        if (flags.json) await printJson({ ...captureJson(report), ...(notes.length > 0 ? { notes } : {}) });
        else out(formatCapture(report, { maxChunks: flags.allChunks ? 0 : 200, all: flags.all === true }));
        process.exitCode = report.connections.some((c) => c.verdict === 'error') ? EXIT.verdictError : EXIT.ok;
        return;
      }
      const direction = flags.as ?? guessDirection(start);
      const methods = flags.methods === undefined ? null : parseMethods(flags.methods);
      const report = inspectRaw(readPieces(fd), { direction, eof: flags.eof, methods, body: flags.body === true, keepChunks });
      if (flags.json) await printJson(rawReportJson(report));
      else out(formatHuman(report, { maxChunks: flags.allChunks ? 0 : 200 }));
      process.exitCode = report.verdict === 'ok' ? EXIT.ok : EXIT.verdictError;
    });
}

function parseMethods(list: string): string[] {
  const methods = list.split(',').map((m) => m.trim());
  if (methods.some((m) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m))) {
    throw new CliError(`chunkscope inspect: --methods takes method names separated by commas, like GET,HEAD,POST (got "${list}")`);
  }
  return methods;
}

/** Damaged parts of a capture named on stderr, one line each, up to this many. */
const MAX_DAMAGE_LINES = 20;

/** A capture analysed as inspect does, keeping what the reader says about its end and its damage. */
function readCapture(pieces: Iterable<Uint8Array>, keepChunks: boolean | number): { report: ReturnType<typeof inspectRecords>; result: ReadResult } {
  const reader = readRecords(pieces);
  let result: ReadResult | null = null;
  const records: Iterable<CaptureRecord> = {
    *[Symbol.iterator]() {
      result = yield* reader;
    },
  };
  const report = inspectRecords(records, keepChunks);
  return { report: { ...report, truncatedBytes: result!.truncatedBytes }, result: result! };
}
