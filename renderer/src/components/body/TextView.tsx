// A body as text in its charset, a page at a time (each read from disk when shown), its
// lines virtualised; a page starts and ends on whole UTF-8 characters.
import { useEffect, useMemo, useState } from 'react';
import { groupDigits } from '../../../../shared/words';
import { useApi } from '../../context';
import { lineOfByte, lineStarts, type TextCharset } from '../../model/body-kind';
import { decodeBase64 } from '../detail/ChunkBytes';
import { Lines } from './Lines';
import type { BodyRef } from './use-body';

/** Bytes of a page of text (a multiple of 2, for UTF-16). */
export const TEXT_PAGE = 512 * 1024;
/** Read past a page's end: the rest of a character cut there. */
const SPILL = 4;

const continuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/** The part of a page's bytes that is its text: whole UTF-8 characters, the byte order mark left out. */
export function pageText(bytes: Uint8Array, page: number, charset: TextCharset): { text: string; from: number } {
  let from = page === 0 ? charset.bomLength : 0;
  let to = Math.min(bytes.length, TEXT_PAGE);
  if (charset.name === 'utf-8') {
    if (page > 0) while (from < SPILL && continuation(bytes[from])) from++;
    while (to < bytes.length && continuation(bytes[to])) to++;
  }
  return { text: new TextDecoder(charset.name).decode(bytes.subarray(from, to)), from };
}

export function TextView({ body, size, charset, version, marker, target }: { body: BodyRef; size: number; charset: TextCharset; version: string; marker: RegExp | null; target: { offset: number; nonce: number } | null }) {
  const api = useApi();
  const pages = Math.max(1, Math.ceil(size / TEXT_PAGE));
  const [page, setPage] = useState(0);
  const [read, setRead] = useState<{ key: string; bytes: Uint8Array } | null>(null);
  const key = `${body.id} ${body.direction} ${body.form} ${version} ${page}`;
  useEffect(() => {
    if (target) setPage(Math.min(pages - 1, Math.floor(target.offset / TEXT_PAGE)));
  }, [target?.nonce]);
  useEffect(() => {
    let cancelled = false;
    api.body({ ...body, offset: page * TEXT_PAGE, length: TEXT_PAGE + SPILL }).then((slice) => !cancelled && setRead({ key, bytes: decodeBase64(slice.bytes) }));
    return () => {
      cancelled = true;
    };
  }, [api, key]);
  const bytes = read?.key === key ? read.bytes : null;
  const shown = useMemo(() => (bytes ? pageText(bytes, page, charset) : null), [bytes, page, charset.name]);
  const starts = useMemo(() => (shown ? lineStarts(shown.text) : [0]), [shown]);
  const line = (i: number) => {
    const text = shown!.text;
    return text.slice(starts[i], i + 1 < starts.length ? starts[i + 1]! - 1 : text.length).replace(/\r$/, '');
  };
  const inPage = target && bytes && Math.floor(target.offset / TEXT_PAGE) === page ? { line: lineOfByte(bytes.subarray(shown!.from), target.offset - page * TEXT_PAGE - shown!.from), nonce: target.nonce } : null;
  return (
    <div className="text-view">
      {pages > 1 ? (
        <div className="page-controls" data-testid="text-pages">
          <button type="button" disabled={page === 0} onClick={() => setPage(0)} title="The first page">
            «
          </button>
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)} title="The page before">
            ‹
          </button>
          <span data-testid="text-page">
            bytes {groupDigits(page * TEXT_PAGE)}–{groupDigits(Math.min(size, (page + 1) * TEXT_PAGE) - 1)} of {groupDigits(size)} (page {groupDigits(page + 1)} of {groupDigits(pages)})
          </span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)} title="The next page">
            ›
          </button>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(pages - 1)} title="The last page">
            »
          </button>
        </div>
      ) : null}
      {shown ? <Lines count={starts.length} line={line} marker={marker} target={inPage} testId="body-text" label="Body as text" /> : <p className="empty">Reading the body…</p>}
    </div>
  );
}
