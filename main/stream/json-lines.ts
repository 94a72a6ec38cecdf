// Newline-delimited JSON, JSON Lines and JSON text sequences: one JSON value per
// line. Only the current line's bytes are held; each line is decoded (UTF-8, as
// all three formats require) and parsed once it is whole, so a value or a UTF-8
// character split across pieces needs nothing special. Blank lines are skipped.
// JSON text sequences (RFC 7464) are read as lines whose leading RS is dropped:
// a record spanning several lines shows as broken lines.

import type { BodyEnd, JsonItem } from '../../shared/stream';
import { capped, partialReason, type ItemParser, type Parsed } from './item-parser';
import { jsonErrorAt } from './json-error';
import { LineSplitter, withoutBom, type Line } from './lines';
import { byteOfUnit, decodeUtf8 } from './text-codec';

const RS = '\u001e';
/** The native decoder for the usual case; the byte map of decodeUtf8 only for an error's offset. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export class JsonLinesParser implements ItemParser {
  private readonly lines = new LineSplitter(false);
  private index = 0;
  private ended = false;
  private first = true;

  feed(bytes: Uint8Array): Parsed {
    const items: JsonItem[] = [];
    if (this.ended) return { items, errors: [] };
    const lines: Line[] = [];
    this.lines.push(bytes, lines);
    for (const line of lines) {
      const item = this.line(line, null);
      if (item) items.push(item);
    }
    return { items, errors: [] };
  }

  end(end: BodyEnd): Parsed {
    const items: JsonItem[] = [];
    if (this.ended) return { items, errors: [] };
    this.ended = true;
    const last = this.lines.finish();
    // JSON Lines lets the last line go without its LF: a valid value there is whole.
    // An invalid one is partial if the body was cut short, else an error.
    const item = last && this.line(last, end.complete ? null : partialReason(end, ''));
    if (item) items.push(item);
    return { items, errors: [] };
  }

  /** @param cutShort for the last line of a body cut short: why, if it does not parse. */
  private line(line: Line, cutShort: string | null): JsonItem | null {
    if (this.first) {
      this.first = false;
      line = withoutBom(line);
    }
    const text = utf8.decode(line.bytes);
    let skip = 0;
    while (text.startsWith(RS, skip)) skip++;
    const source = skip ? text.slice(skip) : text;
    if (/^[ \t\r\n]*$/.test(source)) return null;
    const base = { kind: 'ndjson' as const, index: this.index++, start: line.start, end: line.end };
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      const raw = capped(text);
      if (cutShort !== null) return { ...base, partial: cutShort, error: null, raw };
      const decoded = decodeUtf8(line.bytes);
      const at = jsonErrorAt(source);
      const unit = at < 0 ? 0 : skip + at;
      const offset = line.start + byteOfUnit(decoded, unit, line.bytes.length);
      return { ...base, partial: null, error: { message: (e as Error).message, offset }, raw };
    }
    return { kind: 'ndjson', index: base.index, start: base.start, end: base.end, partial: null, error: null, raw: null, value };
  }
}
