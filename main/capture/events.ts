// What an event record must hold to be read (FORMAT.md, "Event record"): checked as each is
// read, so that one damaged record is skipped and said, never passed on to break the
// analysis further down (a missing connection number, a time of 1e999, a field nested
// a million deep). Unknown fields are dropped; an unknown type is left to later versions.

import { z } from 'zod';
import type { CaptureEvent } from './format';

// z.number() refuses Infinity and NaN; offsets, counts and connection numbers are safe integers.
const time = z.number();
const connection = z.int().min(1);
const count = z.int().min(0);
const text = z.string();
const maybeText = z.string().nullable();
/** Words that only describe (a detail, a code): tolerated absent, as readers always did. */
const note = z.string().nullish();
const side = z.enum(['client', 'upstream']);
const mode = z.enum(['forward', 'reverse']);

const tls = {
  sni: note,
  version: note,
  cipher: note,
  alpn: note,
  authorized: z.boolean().optional(),
  authorizationError: note,
  peer: note,
};

const bodies = z.array(count.nullable());

/** The longest comment a mark may carry when read (the API takes at most 10,000 characters). */
const MAX_MARK_COMMENT = 100_000;

const EVENTS = {
  session: z.object({ type: z.literal('session'), version: z.int(), startedAt: text, tool: text, mode, listen: text, reverse: maybeText, stallSeconds: z.number().positive().optional() }),
  open: z.object({ type: z.literal('open'), connection, time, client: text, mode }),
  upstream: z.object({ type: z.literal('upstream'), connection, time, upstream: text, target: text }),
  'upstream-failed': z.object({ type: z.literal('upstream-failed'), connection, time, target: text, reason: text, code: note }),
  rewrite: z.object({ type: z.literal('rewrite'), connection, time, stream: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]), offset: count, length: count, replacement: text, reason: text }),
  rule: z.object({ type: z.literal('rule'), connection, time, direction: z.enum(['request', 'response']), exchange: count, rule: text, effect: text }),
  tunnel: z.object({ type: z.literal('tunnel'), connection, time, target: text, intercepted: z.boolean(), inside: z.enum(['tls', 'http']).optional() }),
  tls: z.object({ type: z.literal('tls'), connection, time, side, via: connection.nullable(), ...tls }),
  'tls-failed': z.object({ type: z.literal('tls-failed'), connection, time, side, reason: text, code: note }),
  close: z.object({
    type: z.literal('close'),
    connection,
    time,
    side,
    kind: z.enum(['fin', 'close-notify', 'rst', 'error', 'timeout', 'open']),
    by: z.enum(['peer', 'proxy']),
    detail: note,
  }),
  stall: z.object({ type: z.literal('stall'), connection, time, direction: z.enum(['request', 'response']), exchange: count, since: time, waitingFor: text }),
  client: z.object({ type: z.literal('client'), connection, time, launched: text, tag: text }),
  imported: z.object({
    type: z.literal('imported'),
    connection,
    time,
    source: z.enum(['har', 'pcap']),
    note: text,
    recordedBodies: z.object({ request: bodies, response: bodies }).nullish(),
  }),
  mark: z.object({ type: z.literal('mark'), connection, time, exchange: count, pinned: z.boolean(), comment: z.string().max(MAX_MARK_COMMENT) }),
  end: z.object({ type: z.literal('end'), time }),
} satisfies Record<CaptureEvent['type'], z.ZodType>;

export type CheckedEvent = { event: CaptureEvent } | { unknown: string } | { damage: string };

/** An event's JSON as read from the file: the event, an unknown type (skip it), or what is wrong with it. */
export function checkEvent(json: unknown): CheckedEvent {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { damage: 'the event is not a JSON object' };
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') return { damage: 'the event has no type' };
  const schema = (EVENTS as Record<string, z.ZodType | undefined>)[type];
  if (!schema) return { unknown: type };
  const parsed = schema.safeParse(json);
  if (parsed.success) return { event: parsed.data as CaptureEvent };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'the event';
  return { damage: `a "${type}" event whose ${field} is wrong (${issue.message})` };
}
