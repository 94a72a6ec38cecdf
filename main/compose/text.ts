// The text form of a plan (README: "The plan format"), read line by line: top lines (`to`,
// `pipeline`), then each request: its head as sent (the request line and field lines,
// verbatim, ended by an empty line), its body lines, `---` before the next request, and
// `end` last. A mistake is one sentence with its line, column and byte offset.
//
// The text is taken as bytes (a latin1 string): what stands in a head line is sent as it
// stands in the file, UTF-8 or not; `plainText` turns a JavaScript string into those bytes.

import { DEFAULT_END, type BodyStep, type ConnectionPlan, type EndPlan, type HeadPlan, type RequestPlan } from '../../shared/plan';
import { LiteralError, utf8Bytes } from './data';
import { nearest, words, type Token } from './lex';
import { bodyLine, chunkLine, endLine, lastLine, LineError, pauseLine } from './steps';

export class PlanError extends Error {
  constructor(
    /** What is wrong, as a sentence. */
    readonly reason: string,
    /** 1-based line and column, and the byte offset from the start of the text. */
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`line ${line}, column ${column} (byte ${offset}): ${reason}`);
  }
}

const BODY_WORDS = ['chunk', 'last', 'trailer', 'body', 'pause', 'no', 'end', '---'];
const TOP_WORDS = ['to', 'pipeline', 'pause'];

interface Section {
  request: RequestPlan;
  noLastChunk: boolean;
}

/** A JavaScript string (the app's editor, a command-line argument) as plan text: its UTF-8 bytes. */
export function plainText(text: string): string {
  return utf8Bytes(text);
}

/** Read a plan from its text form (bytes as a latin1 string). Throws PlanError. */
export function parsePlan(text: string): ConnectionPlan {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const starts: number[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    starts.push(at);
    at += line.length + 1;
  }
  const fail = (index: number, column: number, reason: string): never => {
    throw new PlanError(reason, index + 1, column + 1, starts[index]! + column);
  };

  const plan: ConnectionPlan = { to: null, pipeline: false, requests: [], end: DEFAULT_END };
  let state: 'top' | 'before' | 'head' | 'body' = 'top';
  let section: Section | null = null;
  let pauseBefore = 0;
  let end: { plan: EndPlan; line: number } | null = null;

  const finishSection = () => {
    if (!section) return;
    const body = section.request.body;
    if (body.some((s) => s.step === 'chunk') && !body.some((s) => s.step === 'last-chunk') && !section.noLastChunk) {
      body.push({ step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers: [], end: '\r\n' });
    }
    plan.requests.push(section.request);
    section = null;
  };
  const startSection = (head: HeadPlan) => {
    section = { request: { pauseBefore, head, body: [] }, noLastChunk: false };
    pauseBefore = 0;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const blank = /^[ \t]*$/.test(line);
    const comment = /^[ \t]*#/.test(line);
    try {
      if (end && !blank && !comment) fail(i, 0, `"end" says how the connection ends, so it is the plan's last line (it is on line ${end.line}); move it below this line`);
      if (state === 'head') {
        if (line.startsWith('#')) continue;
        if (blank || line === '---' || /^end (fin|rst)\b/.test(line)) {
          state = 'body';
          if (blank) continue;
        } else {
          const head = section!.request.head as Extract<HeadPlan, { kind: 'lines' }>;
          head.fields.push(line);
          continue;
        }
      }
      if (blank || comment) continue;
      if (state === 'body' && /^trailer( |$)/.test(line)) {
        // A trailer is a field line as sent, like the head's: not read word by word.
        const last = [...section!.request.body].reverse().find((s) => s.step !== 'pause');
        if (last?.step !== 'last-chunk') fail(i, 0, 'a trailer comes right after the last chunk: write "last" on the line before');
        if (line.length <= 8) fail(i, 0, 'a trailer line is "trailer Name: value"');
        (last as Extract<BodyStep, { step: 'last-chunk' }>).trailers.push(line.slice(8));
        continue;
      }
      if ((state === 'top' || state === 'before') && !/^(to|pipeline|pause|end)([ \t]|$)|^head[ \t]+"/.test(line)) {
        // A request line is sent as it stands: never read word by word (a quote in it is a byte).
        const word = /^[a-z]+$/.exec(line);
        const meant = word ? nearest(word[0], TOP_WORDS) : null;
        if (meant) fail(i, 0, `"${line}" is not a plan line: did you mean "${meant}"? (a request line is METHOD TARGET HTTP/1.1)`);
        startSection({ kind: 'lines', startLine: line, fields: [] });
        state = 'head';
        continue;
      }
      const tokens = words(line);
      const [first, ...rest] = tokens as [Token, ...Token[]];
      if (first.text === 'end') {
        end = { plan: endLine(rest), line: i + 1 };
        continue;
      }
      if (state === 'top' && first.text === 'to') {
        plan.to = target(rest);
        continue;
      }
      if (state === 'top' && first.text === 'pipeline' && rest.length === 0) {
        plan.pipeline = true;
        continue;
      }
      if ((state === 'top' || state === 'before') && first.text === 'pause') {
        pauseBefore += pauseLine(rest);
        continue;
      }
      if (state === 'top' || state === 'before') {
        if (first.text !== 'head') fail(i, first.column, `"${first.text}" belongs ${first.text === 'to' || first.text === 'pipeline' ? 'before the first request' : 'in a body'}`);
        startSection({ kind: 'raw', data: bodyLine(rest) });
        state = 'body';
        continue;
      }
      // The body of the current request.
      const body = section!.request.body;
      switch (first.text) {
        case '---':
          if (rest.length > 0) fail(i, rest[0]!.column, '"---" stands alone on its line: it starts the next request on the same connection');
          finishSection();
          state = 'before';
          break;
        case 'chunk':
          body.push(chunkLine(rest));
          break;
        case 'last':
          body.push(lastLine(rest));
          break;
        case 'body':
          body.push({ step: 'bytes', data: bodyLine(rest) });
          break;
        case 'pause':
          body.push({ step: 'pause', ms: pauseLine(rest) });
          break;
        case 'no':
          if (rest.map((t) => t.text).join(' ') !== 'last chunk') fail(i, first.column, 'did you mean "no last chunk"? (the chunked body then ends without its last chunk)');
          section!.noLastChunk = true;
          break;
        default: {
          const meant = nearest(first.text, BODY_WORDS);
          const hint = /:/.test(line) ? ' (a field line belongs in the head, before its empty line)' : meant ? `: did you mean "${meant}"?` : '';
          fail(i, first.column, `"${first.text}" is not a body line${hint}; a body line is chunk, last, trailer, body, pause or "no last chunk", then --- for the next request and end for the connection`);
        }
      }
    } catch (error) {
      if (error instanceof LineError || error instanceof LiteralError) fail(i, error.column, error.message);
      throw error;
    }
  }
  finishSection();
  if (plan.requests.length === 0) fail(Math.max(0, lines.length - 1), 0, 'the plan has no request: write a request line (GET / HTTP/1.1) and its fields');
  if (end) plan.end = end.plan;
  return plan;
}

function target(tokens: Token[]): string {
  const text = tokens[0]?.text ?? '';
  let url: URL | null;
  try {
    url = tokens.length === 1 ? new URL(text) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new LineError(`"to" takes where to connect, http://HOST:PORT or https://HOST:PORT (got "${tokens.map((t) => t.text).join(' ')}")`, tokens[0]?.column ?? 0);
  }
  return `${url.protocol}//${url.host}`;
}
