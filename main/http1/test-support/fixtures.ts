// Fixtures kept as Markdown a person can read (the llhttp habit): each "## " section
// is one case with an optional options comment, an input block and the expected ledger.
//
//   <!-- as=response eof=fin methods=GET,HEAD maxHeadBytes=64 -->
//   ```http            each line break is CRLF; a line ending in "\" has no line break
//   ```bytes           line breaks are ignored; only escapes make bytes
//   ```ledger          the expected ledgerLog() of the result
//
// Escapes in input blocks: \r \n \t \\ \xHH \{ and {N*c} for c repeated N times
// (c is one character or one escape).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Direction, EndKind } from '../../../shared/http1';
import type { ParserLimits } from '../limits';

export interface Fixture {
  file: string;
  name: string;
  as: Direction;
  eof: EndKind;
  methods: string[] | null;
  limits: Partial<ParserLimits>;
  input: Uint8Array;
  expected: string;
}

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures');

export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const file of readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.md')).sort()) {
    fixtures.push(...parseFixtureFile(file, readFileSync(join(FIXTURE_DIR, file), 'utf8')));
  }
  return fixtures;
}

export function parseFixtureFile(file: string, text: string): Fixture[] {
  const sections = text.split(/^## /m).slice(1);
  return sections.map((section) => {
    const name = section.slice(0, section.indexOf('\n')).trim();
    const where = `${file}: ${name}`;
    const options = /<!--(.*?)-->/.exec(section)?.[1] ?? '';
    const opts = Object.fromEntries(
      options
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    );
    const input = /```(http|bytes)\n([\s\S]*?)```/.exec(section);
    const expected = /```ledger\n([\s\S]*?)```/.exec(section);
    if (!input || !expected) throw new Error(`${where}: needs an http or bytes block and a ledger block`);
    const bytes = decodeInput(input[1] as 'http' | 'bytes', input[2]!, where);
    const limits: Partial<ParserLimits> = {};
    for (const key of ['maxHeadBytes', 'maxChunkSizeDigits', 'maxChunkExtBytes', 'maxTrailerBytes'] as const) {
      if (opts[key]) limits[key] = Number(opts[key]);
    }
    return {
      file,
      name,
      as: (opts.as as Direction | undefined) ?? guessDirection(bytes),
      eof: (opts.eof as EndKind | undefined) ?? 'fin',
      methods: opts.methods ? opts.methods.split(',') : null,
      limits,
      input: bytes,
      expected: expected[1]!.trimEnd(),
    };
  });
}

function guessDirection(bytes: Uint8Array): Direction {
  const start = Buffer.from(bytes.subarray(0, 5)).toString('latin1');
  return start === 'HTTP/' ? 'response' : 'request';
}

export function decodeInput(kind: 'http' | 'bytes', block: string, where = 'input'): Uint8Array {
  const out: number[] = [];
  const lines = block.split('\n');
  lines.pop(); // the block's own final newline
  lines.forEach((line) => {
    let joinNext = false;
    if (kind === 'http' && line.endsWith('\\') && !line.endsWith('\\\\')) {
      line = line.slice(0, -1);
      joinNext = true;
    }
    decodeEscapes(line, out, where);
    if (kind === 'http' && !joinNext) out.push(0x0d, 0x0a);
  });
  return Uint8Array.from(out);
}

function decodeEscapes(text: string, out: number[], where: string): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '{') {
      const close = text.indexOf('}', i);
      const m = /^\{(\d+)\*(\\x[0-9a-fA-F]{2}|\\.|.)\}$/.exec(text.slice(i, close + 1));
      if (!m) throw new Error(`${where}: bad repeat at "${text.slice(i, i + 12)}"`);
      const unit: number[] = [];
      decodeEscapes(m[2]!, unit, where);
      for (let n = 0; n < Number(m[1]); n++) out.push(...unit);
      i = close;
    } else if (ch === '\\') {
      const next = text[++i];
      if (next === 'r') out.push(0x0d);
      else if (next === 'n') out.push(0x0a);
      else if (next === 't') out.push(0x09);
      else if (next === '\\') out.push(0x5c);
      else if (next === '{') out.push(0x7b);
      else if (next === 'x') {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else throw new Error(`${where}: unknown escape \\${next}`);
    } else {
      const code = ch.charCodeAt(0);
      if (code > 0xff) throw new Error(`${where}: character ${ch} is not a byte; use \\xHH`);
      out.push(code);
    }
  }
}
