// What a HAR entry must hold for Chunkscope to rebuild its bytes (the fields import.ts
// reads, Chunkscope's extension fields included), checked before anything is built, so
// that one odd entry is skipped and said, with its byte offset, never thrown as a
// JavaScript error from deep inside the import. Unknown fields are dropped.

import { createScanner } from 'jsonc-parser';
import { z } from 'zod';
import type { HarEntry } from '../export/har-format';

/** jsonc-parser's SyntaxKind (a const enum in its types, which isolated modules cannot read). */
const SyntaxKind = {
  OpenBraceToken: 1,
  CloseBraceToken: 2,
  OpenBracketToken: 3,
  CloseBracketToken: 4,
  CommaToken: 5,
  ColonToken: 6,
  NullKeyword: 7,
  TrueKeyword: 8,
  FalseKeyword: 9,
  StringLiteral: 10,
  NumericLiteral: 11,
  EOF: 17,
} as const;

/** Milliseconds a Date can hold either side of 1970 (ECMA-262 §21.4.1.22). */
const DATE_LIMIT_MS = 8.64e15;
/** A time in milliseconds: finite, and no further than a Date reaches. */
const ms = z.number().min(-DATE_LIMIT_MS).max(DATE_LIMIT_MS);
const nameValue = z.object({ name: z.string(), value: z.string() });
const truncation = z.object({ kept: z.number(), size: z.number() });

const framing = {
  _framing: z.string().optional(),
  _chunks: z
    .array(z.object({ sizeToken: z.string(), extensions: z.string(), dataLength: z.int().min(0), size: z.int().min(0), crlf: z.boolean(), time: ms }))
    .optional(),
  _terminator: z.boolean().nullable().optional(),
  _lastChunk: z.object({ sizeToken: z.string(), extensions: z.string() }).nullable().optional(),
  _trailers: z.array(nameValue).nullable().optional(),
};

const entrySchema = z.object({
  startedDateTime: z.string().refine((text) => Math.abs(Date.parse(text)) <= DATE_LIMIT_MS, 'not a date'),
  request: z.object({
    method: z.string(),
    url: z.string(),
    httpVersion: z.string().optional(),
    headers: z.array(nameValue),
    postData: z.object({ text: z.string().optional(), _encoding: z.string().optional(), _truncated: truncation.optional() }).optional(),
    _target: z.string().optional(),
    ...framing,
  }),
  response: z.object({
    status: z.int(),
    statusText: z.string().optional(),
    httpVersion: z.string().optional(),
    headers: z.array(nameValue),
    content: z.object({
      size: z.number().optional(),
      text: z.string().optional(),
      encoding: z.string().optional(),
      _truncated: truncation.optional(),
      _decoded: z.string().optional(),
      _wire: z.string().optional(),
    }),
    ...framing,
  }),
  timings: z.object({ blocked: ms.optional(), dns: ms.optional(), connect: ms.optional(), send: ms.optional(), wait: ms.optional(), receive: ms.optional() }).optional(),
  serverIPAddress: z.string().optional(),
  connection: z.string().optional(),
  _connection: z
    .object({
      id: z.string().optional(),
      request: z.number().optional(),
      client: z.string().optional(),
      server: z.string().nullable().optional(),
      closes: z.array(
        z.object({ side: z.enum(['client', 'upstream']), kind: z.enum(['fin', 'close-notify', 'rst', 'error', 'timeout', 'open']), at: ms, by: z.enum(['peer', 'proxy']) }),
      ),
      openedAt: ms.optional(),
    })
    .optional(),
});

/** The entry as import.ts reads it, or what is wrong with it, in words. */
export function checkEntry(entry: unknown): { entry: HarEntry } | { problem: string } {
  const parsed = entrySchema.safeParse(entry);
  if (parsed.success) return { entry: parsed.data as unknown as HarEntry };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'the entry';
  return { problem: issue.path.length === 0 ? `it is not an object (${issue.message})` : `${field} is missing or wrong (${issue.message})` };
}

/**
 * Byte offsets in the file of the elements of log.entries, in order (found only when
 * needed: a second reading of the text). jsonc-parser's scanner gives the tokens; the
 * nesting is followed here without recursion, since a hostile file nests a million deep.
 * `bom`: the file started with a byte-order mark that was taken off the text.
 */
export function entryOffsets(text: string, bom: boolean): number[] {
  const scanner = createScanner(text, true);
  const offsets: number[] = [];
  /** Open containers: for an object, the key whose value is being read. */
  const stack: { array: boolean; key: string | null }[] = [];
  let expectKey = false;
  // An entry is a value read directly in log.entries: root object (key "log"), log object (key "entries"), the array.
  const valueStarts = (offset: number) => {
    if (stack.length === 3 && stack[2]!.array && stack[1]!.key === 'entries' && !stack[1]!.array && stack[0]!.key === 'log' && !stack[0]!.array) offsets.push(offset);
  };
  for (let token: number = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    switch (token) {
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        valueStarts(scanner.getTokenOffset());
        stack.push({ array: token === SyntaxKind.OpenBracketToken, key: null });
        expectKey = token === SyntaxKind.OpenBraceToken;
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        stack.pop();
        expectKey = false;
        break;
      case SyntaxKind.CommaToken:
        expectKey = stack.length > 0 && !stack[stack.length - 1]!.array;
        break;
      case SyntaxKind.ColonToken:
        expectKey = false;
        break;
      case SyntaxKind.StringLiteral:
        if (expectKey && stack.length > 0) stack[stack.length - 1]!.key = scanner.getTokenValue();
        else valueStarts(scanner.getTokenOffset());
        break;
      case SyntaxKind.NumericLiteral:
      case SyntaxKind.TrueKeyword:
      case SyntaxKind.FalseKeyword:
      case SyntaxKind.NullKeyword:
        valueStarts(scanner.getTokenOffset());
        break;
    }
  }
  return toBytes(text, offsets, bom);
}

/** Text offsets (UTF-16 units) as byte offsets in the UTF-8 file. */
export function toBytes(text: string, offsets: number[], bom: boolean): number[] {
  let bytes = bom ? 3 : 0;
  let at = 0;
  return offsets.map((offset) => {
    bytes += Buffer.byteLength(text.slice(at, offset), 'utf8');
    at = offset;
    return bytes;
  });
}

/** Where JSON.parse stopped, as a byte offset: the position in its message, else the end (V8 gives none for an end too soon). */
export function syntaxErrorOffset(text: string, message: string, bom: boolean): number {
  const position = /at position (\d+)/.exec(message);
  return toBytes(text, [position ? Number(position[1]) : text.length], bom)[0]!;
}
