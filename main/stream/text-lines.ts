// The fallback: a text body as lines (LF or CRLF). A last line without its line
// ending is a line like any other when the body is complete (many bodies end that
// way), and partial only when the body was cut short.

import type { BodyEnd, LineItem } from '../../shared/stream';
import { capped, partialReason, RAW_LIMIT, type ItemParser, type Parsed } from './item-parser';
import { LineSplitter, withoutBom, type Line } from './lines';
import { codecFor, type TextCodec } from './text-codec';

export class TextLinesParser implements ItemParser {
  private readonly lines = new LineSplitter(false);
  /** One codec for every line: lines are cut on bytes and decoded whole, so no state carries over. */
  private readonly codec: TextCodec;
  private index = 0;
  private ended = false;
  private first = true;

  /** @param charset the Content-Type's charset; UTF-8 when absent or not supported. */
  constructor(charset: string | null = null) {
    this.codec = codecFor(charset);
  }

  feed(bytes: Uint8Array): Parsed {
    const items: LineItem[] = [];
    if (this.ended) return { items, errors: [] };
    const lines: Line[] = [];
    this.lines.push(bytes, lines);
    for (const line of lines) {
      const item = this.item(line, null);
      if (item) items.push(item);
    }
    return { items, errors: [] };
  }

  end(end: BodyEnd): Parsed {
    const items: LineItem[] = [];
    if (this.ended) return { items, errors: [] };
    this.ended = true;
    const last = this.lines.finish();
    const item = last && this.item(last, end.complete ? null : partialReason(end, ''));
    if (item) items.push(item);
    return { items, errors: [] };
  }

  /** The item for a line; null only for a body that is nothing but a BOM. */
  private item(line: Line, partial: string | null): LineItem | null {
    if (this.first) {
      this.first = false;
      if (this.codec.encoding === 'utf-8') line = withoutBom(line);
      if (line.start === line.end) return null;
    }
    // A long line is decoded only as far as it is shown (a character cut at the
    // limit becomes U+FFFD, harmless in a preview).
    const shown = line.bytes.length > RAW_LIMIT * 4 ? line.bytes.subarray(0, RAW_LIMIT * 4) : line.bytes;
    const full = this.codec.decode(shown, true).text;
    const text = capped(full);
    return {
      kind: 'text',
      index: this.index++,
      start: line.start,
      end: line.end,
      partial,
      error: null,
      raw: partial === null ? null : text,
      text,
      truncated: text.length < full.length || shown !== line.bytes,
    };
  }
}
