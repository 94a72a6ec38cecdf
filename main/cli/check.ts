// chunkscope check URL: a framing compliance check of a server, for CI (main/check/CHECK.md).

import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CouldNotCheck, runCheck, type CheckOptions } from '../check/check';
import { checkJson, formatCheck } from '../check/report';
import { parseHeader, TOKEN } from '../check/request';
import { judge } from '../check/verdict';
import { CliError, EXIT, systemReason } from './errors';

interface CheckFlags {
  method?: string;
  header?: [string, string][];
  bodyFile?: string;
  chunked?: boolean;
  chunkSize?: number;
  keepalive?: number;
  keepaliveWait: number;
  maxTime: number;
  timeout: number;
  insecure?: boolean;
  ca?: string[];
  json?: boolean;
  allChunks?: boolean;
}

const DEFAULT_CHUNK_SIZE = 16384;

function collectHeader(value: string, previous: [string, string][] = []): [string, string][] {
  const field = parseHeader(value);
  if (!field) throw new InvalidArgumentError('a header is "Name: value" (a token before the colon, no line breaks); "Name:" alone removes a default header.');
  return [...previous, field];
}

function collectFile(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveInteger(what: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${what} is a whole number of at least ${min}.`);
    return n;
  };
}

function seconds(allowZero: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new InvalidArgumentError(`a number of seconds${allowZero ? '' : ' above 0'} (0.5 is half a second).`);
    return n;
  };
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`chunkscope check: the URL "${value}" cannot be read; give one like http://127.0.0.1:9001/feed or https://example.com/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`chunkscope check: only http:// and https:// URLs can be checked (got "${value}")`);
  if (url.username || url.password) throw new CliError('chunkscope check: the URL carries a user name or password; send credentials with --header "Authorization: …" instead');
  return url;
}

function readBody(file: string): Uint8Array {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    throw new CliError(`chunkscope check: cannot read the body file ${file}: ${systemReason(error)}`);
  }
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`chunkscope check: cannot read the CA file ${file}: ${systemReason(error)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CliError(`chunkscope check: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); --ca takes the root certificate to trust, in PEM`);
  return pem;
}

/** The flags, checked together, as the options of a run. */
export function checkOptions(target: string, flags: CheckFlags, version: string): CheckOptions {
  const url = parseUrl(target);
  if (flags.chunkSize !== undefined && !flags.chunked) throw new CliError('chunkscope check: --chunk-size goes with --chunked (send the body chunked)');
  const body = flags.bodyFile !== undefined ? readBody(flags.bodyFile) : null;
  const method = flags.method ?? (body || flags.chunked ? 'POST' : 'GET');
  if (!TOKEN.test(method)) throw new CliError(`chunkscope check: --method takes a method name such as GET, HEAD or POST (got "${method}")`);
  if (method.toUpperCase() === 'CONNECT') throw new CliError('chunkscope check: CONNECT opens a tunnel, it has no framing to check; use another --method');
  if (url.protocol === 'http:' && (flags.insecure || flags.ca)) throw new CliError('chunkscope check: --insecure and --ca are for https:// URLs');
  return {
    url,
    method,
    headers: flags.header ?? [],
    body,
    chunked: flags.chunked === true,
    chunkSize: flags.chunkSize ?? DEFAULT_CHUNK_SIZE,
    keepalive: flags.keepalive ?? null,
    timeoutSeconds: flags.timeout,
    keepaliveWaitSeconds: flags.keepaliveWait,
    maxTimeSeconds: flags.maxTime,
    insecure: flags.insecure === true,
    ca: (flags.ca ?? []).map(readCa),
    userAgent: `chunkscope/${version}`,
  };
}

export function registerCheck(program: Command, out: (text: string) => void): void {
  program
    .command('check')
    .summary('check a server\'s framing: the chunk ledger, the last chunk, how it ends the connection; exit status for CI')
    .description(
      'Send requests to a server on one connection and check the framing of its responses: every chunk-size line as sent, ' +
        'the last chunk, trailers, every anomaly with its byte offset and a sentence, and how and after how many requests ' +
        'the server ended the connection. A server that stalls is given up on after --timeout.\n\n' +
        'Exit status: 0 compliant, 1 not compliant (an error-class anomaly such as a missing last chunk, a stall, a keep-alive ' +
        'connection dropped without "Connection: close"), 2 could not check (no connection, DNS, TLS, bad arguments).',
    )
    .argument('<url>', 'http://HOST[:PORT]/PATH or https://…')
    .option('-X, --method <method>', 'the request method (default: GET, or POST with a body)')
    .option('-H, --header <field>', 'a request header, "Name: value" (repeatable); replaces a default of that name, "Name:" removes it', collectHeader)
    .option('--body-file <file>', 'send this file as the request body (- reads standard input)')
    .option('--chunked', 'send the body with Transfer-Encoding: chunked')
    .addOption(new Option('--chunk-size <bytes>', `with --chunked: bytes of data per chunk (default: ${DEFAULT_CHUNK_SIZE})`).argParser(positiveInteger('--chunk-size', 1)))
    .addOption(new Option('--keepalive <n>', 'send N requests one after the other on one connection, then watch how the server ends it').argParser(positiveInteger('--keepalive', 1)))
    .addOption(new Option('--keepalive-wait <seconds>', 'after the last response, how long to wait for the server to close before Chunkscope does').default(1).argParser(seconds(true)))
    .addOption(new Option('--max-time <seconds>', 'end the whole check after this long, a response still streaming or not (server-sent events never end)').default(60).argParser(seconds(false)))
    .addOption(new Option('--timeout <seconds>', 'give up on a server silent this long while connecting or while a response is due (a stall)').default(10).argParser(seconds(false)))
    .option('--insecure', 'https: accept any certificate (self-signed test servers)')
    .option('--ca <file>', 'https: also trust this root certificate (PEM; repeatable)', collectFile)
    .option('--json', 'print one JSON document (main/check/CHECK.md)')
    .option('--all-chunks', 'list every chunk in the tables (default: the first 200 of each response)')
    .action(async (target: string, flags: CheckFlags) => {
      const options = checkOptions(target, flags, program.version() ?? '0');
      let run;
      try {
        run = await runCheck(options);
      } catch (error) {
        if (error instanceof CouldNotCheck) throw new CliError(`chunkscope check: ${error.message}`);
        throw error;
      }
      const verdict = judge(run);
      out(flags.json ? JSON.stringify(checkJson(run, verdict), null, 2) : formatCheck(run, verdict, { maxChunks: flags.allChunks ? 0 : 200 }));
      process.exitCode = verdict.compliant ? EXIT.ok : EXIT.notCompliant;
    });
}
