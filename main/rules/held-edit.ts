// Edits to a held message (held.ts): the head's lines, a chunk's size line and data,
// checked before anything changes, refused in words.

import { partName } from '../../shared/breakpoints';
import { joinedName, StepRefused, type Edit, type Part } from './held-parts';

/** An edit as the user asks for it (data as bytes). */
export interface EditStep {
  head?: string;
  sizeLine?: string;
  data?: Uint8Array;
}

/** The edit of `next` (the part the next step sends), merged with an earlier one; `expected` names what is awaited when none is queued. */
export function editOf(next: Part | null, step: EditStep, expected: string): Edit {
  if (!next) throw new StepRefused(`${expected} has not arrived yet: nothing to edit (the held list shows it when it comes)`);
  if (next.joined > 0) throw new StepRefused(`${joinedName(next)} came too many at once to step one by one: they go together as the sender sent them, and cannot be edited`);
  const edit: Edit = next.edit ?? { line: null, data: null, lines: null };
  if (step.head !== undefined) {
    if (next.part !== 'head') throw new StepRefused(`the head went already: what goes next is ${partName(next.part, next.chunk)}`);
    if (!next.complete) throw new StepRefused('the head has not arrived whole yet: wait for it');
    const head = headBytes(step.head);
    edit.line = head.bytes;
    edit.lines = head.lines;
  }
  if (step.sizeLine !== undefined || step.data !== undefined) {
    if (next.part !== 'chunk' && next.part !== 'last-chunk') throw new StepRefused(`what goes next is ${partName(next.part, next.chunk)}, not a chunk: only a chunk's size line and data can be edited`);
    if (step.data !== undefined && next.part === 'last-chunk') throw new StepRefused('what goes next is the last chunk (size 0): it has no data to edit; edit its size line, or drop it');
    if (step.sizeLine !== undefined) edit.line = checkedLine(step.sizeLine);
    if (step.data !== undefined) edit.data = step.data;
    if (step.sizeLine === undefined && step.data !== undefined) {
      // A size line that says the new length, in the sender's case, with its extensions.
      const hex = step.data.length.toString(16);
      edit.line = Buffer.from(`${/[A-F]/.test(next.sizeToken ?? '') ? hex.toUpperCase() : hex}${next.extensions}\r\n`, 'latin1');
    }
  }
  return edit;
}

/** An edited head: its lines (`\n` or CRLF between them), sent with CRLFs and the empty line after them. */
function headBytes(text: string): { bytes: Uint8Array; lines: string[] } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new StepRefused('the head is empty: it needs at least its start line');
  const empty = lines.indexOf('');
  if (empty >= 0) throw new StepRefused(`line ${empty + 1} of the head is empty: an empty line ends the head there; remove it`);
  lines.forEach((line, i) => latin1(line, `line ${i + 1} of the head`));
  return { bytes: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), lines };
}

/** An edited size line (its CRLF added): one line of bytes. */
function checkedLine(line: string): Uint8Array {
  if (/[\r\n]/.test(line)) throw new StepRefused('the size line holds a line break: write it without its line ending (CRLF is added)');
  latin1(line, 'the size line');
  return Buffer.from(`${line}\r\n`, 'latin1');
}

function latin1(text: string, where: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new StepRefused(`${where} holds the character U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${i + 1}: HTTP/1.1 heads are bytes (latin1); write it as such, or percent-encode it`);
  }
}
