// chunkscope export CAPTURE --har FILE | --capture FILE | --curl EXCHANGE: meet the tools
// users already have. CAPTURE may be a capture, a HAR or a packet capture (recognised by
// content); --only keeps some exchanges (export/excerpt.ts for a capture of them).

import { Option, type Command } from 'commander';
import { CaptureFormatError } from '../capture/reader';
import { closeSync, createWriteStream } from 'node:fs';
import { exchangeId, parseExchangeId } from '../../shared/exchange-id';
import { plural } from '../../shared/words';
import { CaptureAnalysis } from '../analysis/capture-analysis';
import type { CaptureRecord } from '../capture/format';
import { writeCaptureTo } from '../capture/write-file';
import { EXCERPT_LEAVES_OUT, excerptRecords, excerptSize, planExcerpt, type ExcerptPlan } from '../export/excerpt';
import { FileExistsError, openOutputFile, writeOutputFile } from '../capture/output-file';
import { writeJson } from '../export/json-out';
import { parseChunks } from './options';
import { captureToHar, DEFAULT_MAX_BODY } from '../export/har';
import { HarFormatError } from '../import/har';
import { requestForCurl } from '../export/request';
import { curlCommand } from '../export/curl';
import { SourceTooLarge, readSource, sourceKind, type Source } from '../import/source';
import { PcapFormatError } from '../import/pcap';
import { CliError, refusal, systemReason } from './errors';
import { openForReading, readPieces, readStart } from './read-file';

interface ExportFlags {
  har?: string;
  capture?: string;
  only?: string;
  curl?: string;
  maxBody: number;
  bodyFile?: string;
  force?: boolean;
  chunks?: number | true;
}

export function registerExport(program: Command, out: (text: string) => void): void {
  program
    .command('export')
    .summary('a capture (or HAR, or pcap) as HAR 1.2 or a capture, some exchanges alone, or one request as a curl command')
    .description(
      'Write a capture as HAR 1.2 (one entry per exchange, with each chunk’s size token as sent, the last chunk, ' +
        'anomalies and the connection in extension fields), or as a Chunkscope capture (--capture); --only keeps some exchanges, ' +
        'each as it reads in the whole capture. Or print a curl command line that sends one captured request again. ' +
        'CAPTURE may also be a HAR or a pcap/pcapng file.',
    )
    .argument('<capture>', 'a capture, a HAR or a pcap/pcapng file (recognised by content)')
    .option('--har <file>', 'write HAR 1.2 to this file ("-" for standard output)')
    .option('--capture <file>', 'write a Chunkscope capture to this file (of a HAR or a pcap: converted; with --only: those exchanges alone)')
    .option('--only <exchanges>', 'with --har or --capture: only these exchanges, like c1#2,c3#1 (request #2 on c1, request #1 on c3)')
    .option('--curl <exchange>', 'print a curl command for this request: c1#2 is request #2 on connection c1')
    .addOption(new Option('--max-body <bytes>', 'with --har: cut bodies longer than this, and say so in the HAR').default(DEFAULT_MAX_BODY).argParser(parseBytes))
    .option('--body-file <file>', 'with --curl: where to write a binary body (default chunkscope-c1-2.body in the current directory)')
    .option('--force', 'replace the file written (--har, --capture, --body-file) if it exists; without it an existing file is refused')
    .option('--chunks <all|first:N>', 'with --har: list all chunks in _chunks (default), or the first N of each message (_chunksOmitted says how many more)', parseChunks)
    .action(async (capture: string, flags: ExportFlags) => {
      if ([flags.har, flags.capture, flags.curl].filter(Boolean).length !== 1) throw new CliError('chunkscope export: say what to export: --har FILE, --capture FILE or --curl EXCHANGE (one of them)');
      if (flags.only !== undefined && flags.curl) throw new CliError('chunkscope export: --only goes with --har or --capture; --curl takes one exchange already');
      const only = flags.only === undefined ? undefined : parseOnly(flags.only);
      const source = open(capture);
      try {
        if (flags.capture) {
          const written = writeCapture(capture, flags.capture, only, flags.force === true);
          process.stderr.write(`wrote ${plural(written.exchanges, 'exchange')} to ${flags.capture}\n`);
          if (only) process.stderr.write(`left out: ${EXCERPT_LEAVES_OUT}\n`);
        } else if (flags.har) {
          const har = captureToHar(source.records, { maxBodyBytes: flags.maxBody, maxChunks: flags.chunks === true || flags.chunks === undefined ? undefined : flags.chunks, only: only && new Set(only) });
          if (only && har.log.entries.length < only.length) throw new CliError(`chunkscope export: ${capture} has no ${missingNames(only, har.log.entries.map((e) => e._connection)).join(', ')} (chunkscope inspect ${capture} lists them)`);
          // In pieces: a HAR of millions of chunks is longer than a string can hold.
          if (flags.har === '-') await writeJson(har, process.stdout);
          else {
            const fd = openOutput(flags.har, flags.force === true);
            const file = createWriteStream('', { fd });
            await writeJson(har, file);
            await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
            process.stderr.write(`wrote ${har.log.entries.length} entries to ${flags.har}\n`);
          }
        } else {
          const { connection, request } = parseExchange(flags.curl!);
          const found = requestForCurl(source.records, connection, request - 1);
          if (!found) throw new CliError(`chunkscope export: there is no request #${request} on c${connection} in ${capture} (chunkscope inspect ${capture} lists them)`);
          const bodyFile = flags.bodyFile ?? `chunkscope-c${connection}-${request}.body`;
          const curl = curlCommand(found, bodyFile);
          if (curl.fileBody) {
            write(bodyFile, curl.fileBody, flags.force === true);
            process.stderr.write(`the body does not fit on the command line: wrote it to ${bodyFile} (${curl.fileBody.length} bytes)\n`);
          }
          out(curl.command);
        }
      } catch (error) {
        if (error instanceof CaptureFormatError) throw new CliError(`chunkscope export: ${capture} is a damaged capture: ${error.message}`);
        throw error;
      }
      for (const note of source.notes) process.stderr.write(`note: ${note}\n`);
    });
}

/** Open any source the way inspect does; errors say what the file is and what is wrong. */
export function open(path: string, command = 'export'): Source {
  const fd = openForReading(path, command);
  const kind = sourceKind(readStart(fd, 256));
  if (!kind) throw new CliError(`chunkscope ${command}: ${path} is not a capture, a HAR or a pcap/pcapng file`);
  try {
    return readSource(kind, path, () => readPieces(fd));
  } catch (error) {
    if (error instanceof HarFormatError || error instanceof PcapFormatError || error instanceof SourceTooLarge) throw new CliError(`chunkscope ${command}: ${path}: ${error.message}`);
    throw error;
  }
}

function parseExchange(text: string, option = '--curl'): { connection: number; request: number } {
  const m = /^c?(\d+)[#:](\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new CliError(`chunkscope export: ${option} takes ${option === '--only' ? 'exchanges' : 'an exchange'} like c1#2 (request #2 on connection c1), not "${text}"`);
  return { connection: Number(m[1]), request: Number(m[2]) };
}

/** "c1#2,c3#1" as exchange ids. */
function parseOnly(text: string): string[] {
  const ids = text.split(',').filter((part) => part.trim() !== '').map((part) => {
    const { connection, request } = parseExchange(part, '--only');
    return exchangeId(connection, request - 1);
  });
  if (ids.length === 0) throw new CliError('chunkscope export: --only takes exchanges like c1#2,c3#1');
  return [...new Set(ids)];
}

function missingNames(ids: string[], found: ({ id: string; request: number } | undefined)[]): string[] {
  const have = new Set(found.map((c) => c && `${c.id}#${c.request}`));
  return ids.map(nameOf).filter((name) => !have.has(name));
}

function nameOf(id: string): string {
  const ref = parseExchangeId(id)!;
  return `c${ref.connection}#${ref.index + 1}`;
}

/** The source as a capture (all of it, or exchanges `only`): read twice for an excerpt, where its bytes lie and then the copy. */
function writeCapture(capture: string, path: string, only: string[] | undefined, replace: boolean): { exchanges: number } {
  let plan: ExcerptPlan | null = null;
  if (only) {
    plan = planExcerpt(open(capture).records, only);
    if (plan.missing.length > 0) throw new CliError(`chunkscope export: ${capture} has no ${plan.missing.map(nameOf).join(', ')} (chunkscope inspect ${capture} lists them)`);
  }
  const fd = openOutput(path, replace);
  const whole = new CaptureAnalysis({ keepChunks: false });
  try {
    const records = open(capture).records;
    writeCaptureTo(fd, plan ? excerptRecords(records, plan) : analysed(records, whole));
  } finally {
    closeSync(fd);
  }
  let exchanges = 0;
  for (const a of whole.connections.values()) exchanges += a.exchangeCount();
  return { exchanges: plan ? excerptSize(plan) : exchanges };
}

/** The records as they are, analysed on the way (counts only) to say how many exchanges they hold. */
function* analysed(records: Iterable<CaptureRecord>, analysis: CaptureAnalysis): Generator<CaptureRecord> {
  for (const record of records) {
    analysis.add(record);
    yield record;
  }
}

function parseBytes(text: string): number {
  const m = /^(\d+)\s*(k|ki|kib|m|mi|mib)?$/i.exec(text.trim());
  if (!m) throw new CliError(`chunkscope export: --max-body takes a number of bytes, like 1048576 or 512KiB (got "${text}")`);
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
}

/** A file written, made private and never an existing one unless replacing was asked. */
function openOutput(path: string, replace: boolean): number {
  try {
    return openOutputFile(path, { replace });
  } catch (error) {
    if (error instanceof FileExistsError) throw new CliError(`chunkscope export: ${refusal(error)}`);
    throw new CliError(`chunkscope export: cannot write ${path}: ${systemReason(error)}`);
  }
}

function write(path: string, data: string | Uint8Array, replace: boolean): void {
  try {
    writeOutputFile(path, data, { replace });
  } catch (error) {
    if (error instanceof FileExistsError) throw new CliError(`chunkscope export: ${refusal(error)}`);
    throw new CliError(`chunkscope export: cannot write ${path}: ${systemReason(error)}`);
  }
}
