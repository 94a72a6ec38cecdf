import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ExchangeDetail, RawSlice } from '../../../../shared/api';
import { useApi, useApp } from '../../context';
import { ROW_BYTES, hex, kindsOf, offsetLabel, printable } from '../../model/raw';

const ROW = 20;
const PAGE = 64 * 1024;

interface Page {
  bytes: Uint8Array;
  slice: RawSlice;
}

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
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
      setPages((previous) => new Map(previous).set(page, { bytes: decode(slice.bytes), slice }));
    });
  };
  return { pages, total, need };
}

export function RawTab({ detail }: { detail: ExchangeDetail }) {
  const target = useApp((s) => s.rawTarget);
  const [stream, setStream] = useState<0 | 1>(target?.stream ?? 1);
  const version = `${detail.request?.end ?? 0}:${detail.response?.end ?? 0}`;
  const { pages, total, need } = usePages(detail.connection, stream, version);
  const parent = useRef<HTMLDivElement>(null);
  const rows = total === null ? 1 : Math.ceil(total / ROW_BYTES);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 30 });
  const message = stream === 1 ? detail.response : detail.request;

  useEffect(() => {
    if (target) setStream(target.stream);
  }, [target]);
  useEffect(() => {
    if (target && target.stream === stream && total !== null) virtualizer.scrollToIndex(Math.floor(target.offset / ROW_BYTES), { align: 'center' });
  }, [target, stream, total, virtualizer]);
  useEffect(() => {
    // Start at this exchange's own message, not at the start of the connection.
    if (!target && message && total !== null) virtualizer.scrollToIndex(Math.floor(message.offset / ROW_BYTES), { align: 'start' });
  }, [message?.offset, total, stream]);

  const items = virtualizer.getVirtualItems();
  for (const item of items) need(Math.floor((item.index * ROW_BYTES) / PAGE));

  return (
    <div className="raw" data-testid="raw">
      <div className="raw-controls">
        <button type="button" className={stream === 0 ? 'active' : ''} onClick={() => setStream(0)} data-testid="raw-request">
          sent by the client
        </button>
        <button type="button" className={stream === 1 ? 'active' : ''} onClick={() => setStream(1)} data-testid="raw-response">
          received by the client
        </button>
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
            const offset = item.index * ROW_BYTES;
            const page = pages.get(Math.floor(offset / PAGE));
            const within = offset - Math.floor(offset / PAGE) * PAGE;
            const count = page ? Math.max(0, Math.min(ROW_BYTES, page.bytes.length - within)) : 0;
            const kinds = page ? kindsOf(page.slice.spans, offset, offset + count) : [];
            const cells = Array.from({ length: count }, (_, i) => ({ value: page!.bytes[within + i]!, kind: kinds[i]!, offset: offset + i }));
            const hit = (o: number) => target !== null && target.stream === stream && target.offset === o;
            return (
              <div key={item.index} className="raw-row" style={{ transform: `translateY(${item.start}px)`, height: ROW }} data-offset={offset}>
                <span className="raw-offset">{offsetLabel(offset)}</span>
                <span className="raw-hex">
                  {cells.map((c) => (
                    <span key={c.offset} className={`k-${c.kind} ${hit(c.offset) ? 'target' : ''}`} data-byte={c.offset}>
                      {hex(c.value)}
                    </span>
                  ))}
                </span>
                <span className="raw-text">
                  {cells.map((c) => (
                    <span key={c.offset} className={`k-${c.kind} ${hit(c.offset) ? 'target' : ''}`}>
                      {printable(c.value)}
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
