// chunkscope export CAPTURE --har FILE | --curl EXCHANGE: meet the tools users already
// have. CAPTURE may be a capture, a HAR or a packet capture (recognised by content).

import { Option, type Command } from 'commander';
import { CaptureFormatError } from '../capture/reader';
import { createWriteStream } from 'node:fs';
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
  curl?: string;
  maxBody: number;
  bodyFile?: string;
  force?: boolean;
  chunks?: number | true;
}

export function registerExport(program: Command, out: (text: string) => void): void {
  program
    .command('export')
    .summary('a capture (or HAR, or pcap) as HAR 1.2, or one request as a curl command')
    .description(
      'Write a capture as HAR 1.2 (one entry per exchange, with each chunk’s size token as sent, the last chunk, ' +
        'anomalies and the connection in extension fields), or print a curl command line that sends one captured request again. ' +
        'CAPTURE may also be a HAR or a pcap/pcapng file.',
    )
    .argument('<capture>', 'a capture, a HAR or a pcap/pcapng file (recognised by content)')
    .option('--har <file>', 'write HAR 1.2 to this file ("-" for standard output)')
    .option('--curl <exchange>', 'print a curl command for this request: c1#2 is request #2 on connection c1')
    .addOption(new Option('--max-body <bytes>', 'with --har: cut bodies longer than this, and say so in the HAR').default(DEFAULT_MAX_BODY).argParser(parseBytes))
    .option('--body-file <file>', 'with --curl: where to write a binary body (default chunkscope-c1-2.body in the current directory)')
    .option('--force', 'replace the file written (--har, --body-file) if it exists; without it an existing file is refused')
    .option('--chunks <all|first:N>', 'with --har: list all chunks in _chunks (default), or the first N of each message (_chunksOmitted says how many more)', parseChunks)
    .action(async (capture: string, flags: ExportFlags) => {
      if (!flags.har === !flags.curl) throw new CliError('chunkscope export: say what to export: --har FILE or --curl EXCHANGE (one of them)');
      const source = open(capture);
      try {
        if (flags.har) {
          const har = captureToHar(source.records, { maxBodyBytes: flags.maxBody, maxChunks: flags.chunks === true || flags.chunks === undefined ? undefined : flags.chunks });
          // In pieces: a HAR of millions of chunks is longer than a string can hold.
          if (flags.har === '-') await writeJson(har, process.stdout);
          else {
            const fd = openHarFile(flags.har, flags.force === true);
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

function parseExchange(text: string): { connection: number; request: number } {
  const m = /^c?(\d+)[#:](\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1) throw new CliError(`chunkscope export: --curl takes an exchange like c1#2 (request #2 on connection c1), not "${text}"`);
  return { connection: Number(m[1]), request: Number(m[2]) };
}

function parseBytes(text: string): number {
  const m = /^(\d+)\s*(k|ki|kib|m|mi|mib)?$/i.exec(text.trim());
  if (!m) throw new CliError(`chunkscope export: --max-body takes a number of bytes, like 1048576 or 512KiB (got "${text}")`);
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
}

/** The HAR's file, made private and never an existing one unless replacing was asked. */
function openHarFile(path: string, replace: boolean): number {
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
