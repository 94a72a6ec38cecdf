// A plan as the API receives it (shared/plan.ts), checked at run time: a page in a browser
// is not trusted, and types vanish at run time. Bounds keep a plan to what one plan may
// send (wire.ts checks the total); strings are bytes, one latin1 character each.

import { z } from 'zod';
import { MAX_COMPOSE_BYTES } from './from-capture';

function onlyBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** A string of bytes: no character above 255 (a string with one was typed text, not yet UTF-8 encoded). */
const bytes = (max: number) => z.string().max(max).refine(onlyBytes, 'holds only bytes: characters 0 to 255 (latin1); encode text as UTF-8 first');
const line = bytes(64 * 1024);
const lineEnd = bytes(16);
const ms = z.number().int().nonnegative().max(10 * 60 * 1000);

const dataSchema = z
  .array(
    z.union([
      z.object({ bytes: bytes(MAX_COMPOSE_BYTES) }).strict(),
      z.object({ repeat: bytes(1024).min(1), times: z.number().int().nonnegative().max(MAX_COMPOSE_BYTES * 4) }).strict(),
    ]),
  )
  .max(10_000);

const stepSchema = z.union([
  z.object({ step: z.literal('chunk'), size: line, extensions: line, lineEnd, data: dataSchema, dataEnd: lineEnd }).strict(),
  z.object({ step: z.literal('last-chunk'), size: line, extensions: line, lineEnd, trailers: z.array(line).max(1000), end: lineEnd }).strict(),
  z.object({ step: z.literal('bytes'), data: dataSchema }).strict(),
  z.object({ step: z.literal('pause'), ms }).strict(),
]);

const headSchema = z.union([
  z.object({ kind: z.literal('lines'), startLine: line, fields: z.array(line).max(1000) }).strict(),
  z.object({ kind: z.literal('raw'), data: dataSchema }).strict(),
]);

export const planSchema = z
  .object({
    to: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s/?#@]+$/i, 'is http://HOST:PORT or https://HOST:PORT')
      .nullable(),
    pipeline: z.boolean(),
    requests: z
      .array(z.object({ pauseBefore: ms, head: headSchema, body: z.array(stepSchema).max(200_000) }).strict())
      .min(1)
      .max(10_000),
    end: z.object({ how: z.enum(['fin', 'rst']), after: z.union([z.literal('answers'), z.literal('written'), z.object({ byte: z.number().int().nonnegative() }).strict()]) }).strict(),
  })
  .strict();
