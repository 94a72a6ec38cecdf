// RSS 2.0, RSS 1.0 (RDF) and Atom: each <item> or <entry> is one item, from the
// '<' of its start tag to the '>' of its end tag. saxes does the XML.
//
// Positions: saxes counts UTF-16 code units of the text written to it. The body is
// decoded here (text-codec.ts) with the byte offset of every code unit kept in a
// TextWindow, so each position saxes reports maps back to an exact byte, also
// where the UTF-8 was invalid.
//
// Errors: with an error handler saxes carries on, so the view does too. An error
// inside an item (its start tag included) marks that item, which is then shown raw
// with the first error. An error elsewhere is listed and parsing continues, except
// for text outside the root element (before it: the body is not XML; after it:
// junk after the document), which is fatal: nothing after it is interpreted, and
// the rest of the body from the end of the last good item is one raw item.
//
// saxes notices stray text where it happens to stop reading, which depends on how
// the body was split; so errors outside the root element are held until the next
// element or the end, and those inside the stray text are dropped when it turns
// out fatal. The fatal error is placed at the stray text's first character.

import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { BodyEnd, FeedItem, ItemError } from '../../shared/stream';
import { concatBytes } from './bytes';
import { ItemFields, localName } from './feed-fields';
import { capped, partialReason, RAW_LIMIT, type ItemParser, type ParseError, type Parsed } from './item-parser';
import { codecFor, type TextCodec } from './text-codec';
import { TextWindow } from './text-window';
import { xmlDeclaredEncoding } from './xml-sniff';

/** Text kept for positions and raw views; beyond it only the first RAW_LIMIT characters of an item survive. */
const WINDOW_LIMIT = 1 << 20;
const OUTSIDE_ROOT = 'text data outside of root node';

interface OpenItem {
  kind: 'rss' | 'atom';
  depth: number;
  startChar: number;
  start: number;
  fields: ItemFields;
  error: ItemError | null;
  /** Its first characters, taken before the window drops them (a huge item). */
  raw: string | null;
}

export class FeedParser implements ItemParser {
  private readonly sax = new SaxesParser({ position: true, xmlns: false });
  private codec: TextCodec | null = null;
  /** Bytes held until the XML declaration tells the encoding. */
  private held: Uint8Array[] = [];
  private bytesIn = 0;
  private readonly window = new TextWindow();
  private first = true;
  /** The text being written to saxes, and the index of its first code unit. */
  private pieceText = '';
  private pieceBase = 0;
  /** The last '<' of the text before the current piece. */
  private lastLt = { char: -1, byte: 0 };
  private tagStart: { char: number; byte: number } | null = null;
  /** Errors between a start tag's name and its end: they belong to the element, maybe an item. */
  private tagErrors: ItemError[] = [];
  private depth = 0;
  /** Errors outside the root element, held until it is clear whether stray text follows. */
  private outside: ItemError[] = [];
  /** End of the last markup outside the root element (declaration, comment, the root's end tag...). */
  private markupEnd = 0;
  private item: OpenItem | null = null;
  private lastItemEnd = { char: 0, byte: 0 };
  /** The first characters after the last item, taken before the window drops them. */
  private tailRaw: string | null = null;
  private fatal: { error: ParseError; start: number; raw: string } | null = null;
  private out: Parsed = { items: [], errors: [] };
  private index = 0;
  private ended = false;
  /** Closing a body cut short: saxes's complaints about it are not errors. */
  private quiet = false;

  /**
   * @param kind the kind the Content-Type or root element gave, for raw items.
   * @param charset the Content-Type's charset, which overrides the XML declaration.
   */
  constructor(
    private readonly kind: 'rss' | 'atom',
    private readonly charset: string | null = null,
  ) {
    const sax = this.sax;
    sax.on('opentagstart', () => this.onOpenTagStart());
    sax.on('opentag', (tag) => this.onOpenTag(tag));
    sax.on('closetag', (tag) => this.onCloseTag(tag));
    sax.on('text', (text) => this.item?.fields.text(text));
    sax.on('cdata', (text) => this.item?.fields.text(text));
    sax.on('error', (error) => this.onError(error));
    // Markup outside the root element: where stray text may begin after it.
    const markup = () => {
      if (this.depth === 0) this.markupEnd = this.sax.position;
    };
    for (const name of ['xmldecl', 'processinginstruction', 'comment', 'doctype'] as const) sax.on(name, markup);
  }

  feed(bytes: Uint8Array): Parsed {
    this.out = { items: [], errors: [] };
    if (this.ended || bytes.length === 0) return this.out;
    if (this.codec === null) {
      this.held.push(bytes.slice());
      const held = concatBytes(this.held);
      const label = this.charset ?? xmlDeclaredEncoding(held);
      if (label === undefined) return this.out;
      this.codec = codecFor(label);
      this.held = [];
      bytes = held;
    }
    this.write(bytes, false);
    return this.out;
  }

  end(end: BodyEnd): Parsed {
    this.out = { items: [], errors: [] };
    if (this.ended) return this.out;
    this.ended = true;
    if (this.codec === null) {
      const held = concatBytes(this.held);
      this.held = [];
      this.codec = codecFor(this.charset ?? xmlDeclaredEncoding(held) ?? null);
      this.write(held, false);
    }
    this.write(new Uint8Array(0), true);
    if (!this.fatal && this.bytesIn > 0) {
      // Closing hands out the text saxes still holds (a cut-off title). Only a
      // complete body is checked for what it lacks: in a body cut short the
      // unclosed tags are the cut, not errors.
      this.quiet = !end.complete;
      try {
        this.sax.close();
      } catch (e) {
        this.onError(e as Error);
      }
    }
    this.flushTagErrors();
    this.flushOutside();
    const item = this.item;
    if (item && !this.fatal) {
      this.item = null;
      const reason = partialReason(end, `the body ended before the end tag of this <${item.kind === 'atom' ? 'entry' : 'item'}>`);
      this.emit(item, this.bytesIn, reason, item.raw ?? this.window.slice(item.startChar, item.startChar + RAW_LIMIT));
    }
    if (this.fatal) {
      const { error, start, raw } = this.fatal;
      const index = this.index++;
      this.out.items.push({ kind: this.kind, index, start, end: this.bytesIn, partial: null, error, raw, title: null, link: null, date: null });
    }
    return this.out;
  }

  private write(bytes: Uint8Array, final: boolean): void {
    const decoded = this.codec!.decode(bytes, final);
    let { text, starts } = decoded;
    let byteBase = this.bytesIn;
    this.bytesIn += bytes.length;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
        if (starts) starts = starts.subarray(1);
        else byteBase += 1;
      }
    }
    if (text.length === 0) return;
    if (this.fatal) {
      if (this.fatal.raw.length < RAW_LIMIT) this.fatal.raw = capped(this.fatal.raw + text);
      return;
    }
    this.pieceBase = this.window.length;
    this.pieceText = text;
    this.window.append(text, starts, byteBase);
    try {
      this.sax.write(text);
    } catch (e) {
      this.onError(e as Error);
    }
    const lt = text.lastIndexOf('<');
    if (lt >= 0) this.lastLt = { char: this.pieceBase + lt, byte: this.window.byteAt(this.pieceBase + lt) };
    this.trim();
  }

  /** Drop the text no later question needs: before the open item, or before the last item's end. */
  private trim(): void {
    const length = this.window.length;
    let keep = this.item ? this.item.startChar : Math.min(this.lastItemEnd.char, this.tagStart?.char ?? Infinity);
    if (length - keep > WINDOW_LIMIT) {
      if (this.item) this.item.raw ??= this.window.slice(this.item.startChar, this.item.startChar + RAW_LIMIT);
      else this.tailRaw ??= this.window.slice(this.lastItemEnd.char, this.lastItemEnd.char + RAW_LIMIT);
      keep = length - WINDOW_LIMIT;
    }
    // saxes reports a position just past what it read: keep the last unit for position - 1.
    this.window.dropBefore(Math.min(keep, length - 1));
  }

  private onOpenTagStart(): void {
    if (this.fatal) return;
    if (this.depth === 0) this.flushOutside();
    // The tag's '<' is the last one before the position (a name holds no '<').
    const rel = this.sax.position - 1 - this.pieceBase;
    const lt = rel >= 0 ? this.pieceText.lastIndexOf('<', rel) : -1;
    this.tagStart = lt >= 0 ? { char: this.pieceBase + lt, byte: this.window.byteAt(this.pieceBase + lt) } : { ...this.lastLt };
  }

  private onOpenTag(tag: SaxesTagPlain): void {
    if (this.fatal) return;
    this.depth++;
    const start = this.tagStart ?? { ...this.lastLt };
    this.tagStart = null;
    const name = localName(tag.name);
    if (!this.item && (name === 'item' || name === 'entry')) {
      const kind = name === 'entry' ? 'atom' : 'rss';
      this.item = { kind, depth: this.depth, startChar: start.char, start: start.byte, fields: new ItemFields(), error: null, raw: null };
    } else if (this.item && this.depth === this.item.depth + 1) {
      this.item.fields.open(tag.name, tag.attributes, this.depth);
    }
    this.flushTagErrors();
  }

  private onCloseTag(tag: SaxesTagPlain): void {
    if (this.fatal) return;
    const item = this.item;
    if (item) item.fields.close(this.depth);
    if (item && this.depth === item.depth) {
      const endChar = this.sax.position - 1;
      if (!tag.isSelfClosing && !item.error) this.checkEndTag(item, tag.name, endChar);
      this.item = null;
      const end = this.window.byteAt(endChar) + 1;
      this.emit(item, end, null, item.error ? (item.raw ?? this.window.slice(item.startChar, endChar + 1)) : null);
      this.lastItemEnd = { char: endChar + 1, byte: end };
      this.tailRaw = null;
    }
    this.depth--;
    if (this.depth === 0) this.markupEnd = this.sax.position;
  }

  /** saxes also closes an item when an ancestor's end tag comes first: that item was never closed. */
  private checkEndTag(item: OpenItem, name: string, endChar: number): void {
    const recent = this.window.slice(Math.max(item.startChar, endChar - 256), endChar + 1);
    const open = recent.lastIndexOf('</');
    const written = open < 0 ? null : recent.slice(open + 2, -1).trim();
    if (written === name) return;
    const at = endChar + 1 - recent.length + Math.max(0, open);
    item.error = { message: `unclosed tag: ${name} (closed by </${written ?? '?'}>)`, offset: this.window.byteAt(at) };
  }

  private onError(error: Error): void {
    if (this.fatal || this.quiet) return;
    const message = error.message.replace(/^\d+:\d+: /, '');
    // The unit saxes had just read when it complained.
    const unit = Math.max(this.window.start, Math.min(this.sax.position, this.window.length) - 1);
    const offset = this.window.length === 0 ? this.bytesIn : this.window.byteAt(unit);
    if (this.item) {
      this.item.error ??= { message, offset };
    } else if (this.tagStart) {
      this.tagErrors.push({ message, offset });
    } else if (this.depth === 0) {
      if (message.startsWith(OUTSIDE_ROOT)) this.fail(message, unit, offset);
      else this.outside.push({ message, offset });
    } else {
      this.out.errors.push({ message, offset, fatal: false });
    }
  }

  private fail(message: string, unit: number, offset: number): void {
    if (message.startsWith(OUTSIDE_ROOT)) {
      const from = Math.max(this.window.start, this.markupEnd);
      const stray = this.window.slice(from, unit + 1).search(/[^ \t\r\n]/);
      if (stray >= 0) offset = this.window.byteAt(from + stray);
    }
    // Errors inside the stray text came before it only in some splits: they are part of the raw rest.
    const at = offset;
    this.outside = this.outside.filter((e) => e.offset < at);
    this.flushOutside();
    const error: ParseError = { message, offset, fatal: true };
    const from = this.lastItemEnd.char;
    const raw = this.tailRaw ?? this.window.slice(Math.max(from, this.window.start), from + RAW_LIMIT);
    this.fatal = { error, start: this.lastItemEnd.byte, raw };
    this.out.errors.push(error);
  }

  private flushOutside(): void {
    for (const error of this.outside) this.out.errors.push({ ...error, fatal: false });
    this.outside = [];
  }

  private flushTagErrors(): void {
    for (const error of this.tagErrors) {
      if (this.item) this.item.error ??= error;
      else this.out.errors.push({ ...error, fatal: false });
    }
    this.tagErrors = [];
  }

  private emit(item: OpenItem, end: number, partial: string | null, raw: string | null): void {
    const fields = item.fields.finish();
    const shown = raw === null ? null : capped(raw);
    const result: FeedItem = { kind: item.kind, index: this.index++, start: item.start, end, partial, error: item.error, raw: shown, ...fields };
    this.out.items.push(result);
  }
}
