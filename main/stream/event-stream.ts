// text/event-stream, interpreted as the WHATWG HTML standard says a browser does
// (§9.2.6 "Interpreting an event stream"): UTF-8 with an optional BOM, lines ended
// by CRLF, LF or CR, fields id / event / data / retry, an event dispatched on a
// blank line. The view shows more than a browser dispatches: every block of lines
// up to a blank line is an item, so keep-alive comments and retry-only blocks are
// visible too (marked not dispatched), and a block the body ended inside is partial
// (a browser drops it).

import type { BodyEnd, EventItem } from '../../shared/stream';
import { capped, partialReason, RAW_LIMIT, type ItemParser, type Parsed } from './item-parser';
import { LineSplitter, withoutBom, type Line } from './lines';
import { decodeUtf8 } from './text-codec';

interface Block {
  start: number;
  id: string | null;
  event: string | null;
  data: string[];
  retry: number | null;
  comments: string[];
  ignored: string[];
  /** The block's lines, for showing a partial one raw. */
  text: string;
}

export class EventStreamParser implements ItemParser {
  private readonly lines = new LineSplitter(true);
  private first = true;
  private block: Block | null = null;
  /** The spec's "last event ID buffer": set by id fields, it outlives blocks. */
  private lastEventIdBuffer = '';
  private index = 0;
  private ended = false;

  feed(bytes: Uint8Array): Parsed {
    const items: EventItem[] = [];
    if (this.ended) return { items, errors: [] };
    const lines: Line[] = [];
    this.lines.push(bytes, lines);
    for (const line of lines) this.line(line, items);
    return { items, errors: [] };
  }

  end(end: BodyEnd): Parsed {
    const items: EventItem[] = [];
    if (this.ended) return { items, errors: [] };
    this.ended = true;
    const last = this.lines.finish();
    if (last) this.line(last, items);
    if (this.block) {
      const reason = partialReason(end, 'the stream ended without the blank line that dispatches the event');
      items.push(this.item(this.block, this.lines.position, reason));
      this.block = null;
    }
    return { items, errors: [] };
  }

  private line(line: Line, items: EventItem[]): void {
    if (this.first) {
      this.first = false;
      line = withoutBom(line);
    }
    const { bytes, start } = line;
    const text = decodeUtf8(bytes).text;
    if (text === '') {
      if (!line.terminated) return;
      if (this.block) items.push(this.item(this.block, line.end, null));
      this.block = null;
      return;
    }
    const block = (this.block ??= { start, id: null, event: null, data: [], retry: null, comments: [], ignored: [], text: '' });
    if (block.text.length < RAW_LIMIT) block.text += line.terminated ? `${text}\n` : text;
    if (text.startsWith(':')) {
      block.comments.push(text.slice(1));
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        block.event = value;
        return;
      case 'data':
        block.data.push(value);
        return;
      case 'id':
        if (value.includes('\0')) break;
        block.id = value;
        this.lastEventIdBuffer = value;
        return;
      case 'retry':
        if (!/^[0-9]+$/.test(value)) break;
        block.retry = Number(value);
        return;
    }
    block.ignored.push(text);
  }

  private item(block: Block, end: number, partial: string | null): EventItem {
    return {
      kind: 'sse',
      index: this.index++,
      start: block.start,
      end,
      partial,
      error: null,
      raw: partial === null ? null : capped(block.text),
      id: block.id,
      // Dispatching sets the last event ID even when there is no data; a partial
      // block is never dispatched, but its id still shows what it would have set.
      lastEventId: this.lastEventIdBuffer,
      event: block.event === null || block.event === '' ? 'message' : block.event,
      data: block.data.join('\n'),
      retry: block.retry,
      comments: block.comments,
      ignored: block.ignored,
      dispatched: partial === null && block.data.length > 0,
    };
  }
}
