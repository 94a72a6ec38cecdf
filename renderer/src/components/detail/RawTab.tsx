import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ExchangeDetail, RawSlice } from '../../../../shared/api';
import { useApi, useApp } from '../../context';
import { chunkRange } from '../../model/chunks';
import { ROW_BYTES, hex, kindsOf, offsetLabel, printable } from '../../model/raw';
import { decodeBase64 } from './ChunkBytes';
import { groupDigits } from '../../../../shared/words';
import { inMarks, sameMatch } from '../../model/search';

/** Framing bytes inside a match as sent (a chunk's size line between two halves of it) are not the match's. */
const FRAMING = new Set(['size-line', 'extension', 'crlf', 'last-chunk']);
const NO_MATCHES: never[] = [];

const ROW = 20;
const PAGE = 64 * 1024;

interface Page {
  bytes: Uint8Array;
  slice: RawSlice;
}

/** Pages of one stream's bytes, fetched as rows come into view. */
function usePages(connection: number, stream: 0 | 1, version: unknown) {
  const api = useApi();
  const [pages, setPages] = useState(new Map<number, Page>());
  const [total, setTotal] = useState<number | null>(null);
  const asked = useRef(new Set<number>());
  useEffect(() => {
    asked.current = new Set();
    setPages(new Map());
    setTotal(null);
  }, [connection, stream, version]);
  const need = (page: number) => {
    if (asked.current.has(page)) return;
    asked.current.add(page);
    api.raw({ connection, stream, offset: page * PAGE, length: PAGE }).then((slice) => {
      setTotal(slice.total);
      setPages((previous) => new Map(previous).set(page, { bytes: decodeBase64(slice.bytes), slice }));
    });
  };
  return { pages, total, need };
}

/** The bytes of one stream that belong to this exchange: its request, or its responses (interim ones included). */
export function exchangeRange(detail: ExchangeDetail, stream: 0 | 1): { from: number; to: number } {
  if (stream === 0) return detail.request ? { from: detail.request.offset, to: detail.request.end } : { from: 0, to: 0 };
  const messages = [...detail.informational, ...(detail.response ? [detail.response] : [])];
  if (messages.length === 0) return { from: 0, to: 0 };
  return { from: messages[0]!.offset, to: messages[messages.length - 1]!.end };
}

export function RawTab({ detail }: { detail: ExchangeDetail }) {
  const target = useApp((s) => s.rawTarget);
  const chunk = useApp((s) => s.chunk);
  const [stream, setStream] = useState<0 | 1>(target?.stream ?? (chunk ? (chunk.side === 'request' ? 0 : 1) : detail.response || detail.informational.length > 0 ? 1 : 0));
  // The chunk picked in the ledger or on the Timeline, marked among the bytes.
  const chunkMessage = chunk ? (chunk.side === 'request' ? detail.request : detail.response) : null;
  const picked = chunk && chunkMessage && (chunk.side === 'request' ? 0 : 1) === stream ? chunkRange(chunkMessage, chunk.index) : null;
  // This exchange's own bytes by default; the whole connection on request.
  const [whole, setWhole] = useState(false);
  const version = `${detail.request?.end ?? 0}:${detail.response?.end ?? 0}`;
  const { pages, total, need } = usePages(detail.connection, stream, version);
  const parent = useRef<HTMLDivElement>(null);
  const own = exchangeRange(detail, stream);
  const range = whole ? { from: 0, to: total ?? own.to } : own;
  const firstRow = Math.floor(range.from / ROW_BYTES);
  const rows = Math.max(0, Math.ceil(range.to / ROW_BYTES) - firstRow);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 30 });

  useEffect(() => {
    if (target) setStream(target.stream);
  }, [target]);
  useEffect(() => {
    if (!target || target.stream !== stream || total === null) return;
    if (target.offset < own.from || target.offset >= own.to) setWhole(true);
    virtualizer.scrollToIndex(Math.floor(target.offset / ROW_BYTES) - firstRow, { align: 'center' });
  }, [target, stream, total, virtualizer, firstRow]);
  useEffect(() => {
    // Opened with a chunk picked: show it.
    if (!target && picked && total !== null) virtualizer.scrollToIndex(Math.floor(picked.from / ROW_BYTES) - firstRow, { align: 'start' });
  }, [picked?.from, total, virtualizer, firstRow]);
  useEffect(() => {
    // In the whole connection, start at this exchange's own bytes.
    if (whole && !target && total !== null) virtualizer.scrollToIndex(Math.floor(own.from / ROW_BYTES), { align: 'start' });
  }, [whole, own.from, total, stream]);

  // The search's matches in these bytes: headers, and bodies as sent (a decoded body's bytes are not on the wire).
  const matches = useApp((s) => s.searchRun?.byExchange.get(detail.id)) ?? NO_MATCHES;
  const currentMatch = useApp((s) => s.currentMatch);
  const onWire = matches.filter((m) => m.streamOffset !== null && (m.direction === 'request' ? 0 : 1) === stream);
  const marks = onWire.map((m): [number, number] => [m.streamOffset!, m.streamOffset! + Math.max(1, m.length)]);
  const currentMarks = onWire.filter((m) => currentMatch && sameMatch(m, currentMatch.match)).map((m): [number, number] => [m.streamOffset!, m.streamOffset! + Math.max(1, m.length)]);
  const searchMark = (o: number, kind: string) => (FRAMING.has(kind) || !inMarks(marks, o) ? '' : inMarks(currentMarks, o) ? 'mark current' : 'mark');

  const items = virtualizer.getVirtualItems();
  for (const item of items) need(Math.floor(((firstRow + item.index) * ROW_BYTES) / PAGE));

  return (
    <div className="raw" data-testid="raw">
      <div className="raw-controls">
        <button type="button" className={stream === 0 ? 'active' : ''} onClick={() => setStream(0)} data-testid="raw-request">
          sent by the client
        </button>
        <button type="button" className={stream === 1 ? 'active' : ''} onClick={() => setStream(1)} data-testid="raw-response">
          received by the client
        </button>
        <label className="raw-scope" title="Show every byte of the connection, other exchanges included">
          <input type="checkbox" checked={whole} onChange={(e) => setWhole(e.target.checked)} data-testid="raw-whole" /> whole connection
        </label>
        {onWire.length > 0 ? (
          <span className="raw-chunk" data-testid="raw-matches">
            <mark>{groupDigits(onWire.length)}</mark> search match{onWire.length === 1 ? '' : 'es'} marked
          </span>
        ) : null}
        {picked ? (
          <span className="raw-chunk" data-testid="raw-chunk">
            <span className="in-chunk">chunk #{groupDigits(chunk!.index + 1)}</span> marked
          </span>
        ) : null}
        <span className="raw-range" data-testid="raw-range">
          {rows === 0 ? 'no bytes in this direction' : `bytes ${groupDigits(range.from)}–${groupDigits(Math.max(range.from, range.to - 1))}`}
        </span>
        <span className="legend">
          {['head', 'size-line', 'extension', 'data', 'crlf', 'last-chunk', 'trailer', 'raw'].map((k) => (
            <span key={k} className={`k-${k}`}>
              {k}
            </span>
          ))}
        </span>
      </div>
      <div ref={parent} className="raw-rows">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const offset = (firstRow + item.index) * ROW_BYTES;
            const page = pages.get(Math.floor(offset / PAGE));
            const within = offset - Math.floor(offset / PAGE) * PAGE;
            const count = page ? Math.max(0, Math.min(ROW_BYTES, page.bytes.length - within)) : 0;
            const kinds = page ? kindsOf(page.slice.spans, offset, offset + count) : [];
            // Bytes of other exchanges sharing the first or last row stay blank.
            const cells = Array.from({ length: count }, (_, i) => ({ value: page!.bytes[within + i]!, kind: kinds[i]!, offset: offset + i, outside: offset + i < range.from || offset + i >= range.to }));
            const hit = (o: number) => target !== null && target.stream === stream && target.offset === o;
            const inChunk = (o: number) => (picked !== null && o >= picked.from && o < picked.to ? 'in-chunk' : '');
            return (
              <div key={item.index} className="raw-row" style={{ transform: `translateY(${item.start}px)`, height: ROW }} data-offset={offset}>
                <span className="raw-offset">{offsetLabel(offset)}</span>
                <span className="raw-hex">
                  {cells.map((c) =>
                    c.outside ? (
                      <span key={c.offset} className="outside">
                        {'  '}
                      </span>
                    ) : (
                      <span key={c.offset} className={`k-${c.kind} ${hit(c.offset) ? 'target' : ''} ${inChunk(c.offset)} ${searchMark(c.offset, c.kind)}`} data-byte={c.offset}>
                        {hex(c.value)}
                      </span>
                    ),
                  )}
                </span>
                <span className="raw-text">
                  {cells.map((c) => (
                    <span key={c.offset} className={c.outside ? 'outside' : `k-${c.kind} ${hit(c.offset) ? 'target' : ''} ${inChunk(c.offset)} ${searchMark(c.offset, c.kind)}`}>
                      {c.outside ? ' ' : printable(c.value)}
                    </span>
                  ))}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
