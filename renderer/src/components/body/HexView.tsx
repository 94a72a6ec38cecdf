// Any body as hex: offset, sixteen bytes, the same as ASCII; read from disk a page at a
// time as rows come into view, so a 1 GiB body opens at once. A search's matches in this
// body (in this form) are marked; the match stepped to is scrolled to.
import { useEffect, useRef, type ReactElement } from 'react';
import { hex, offsetLabel, printable, ROW_BYTES } from '../../model/raw';
import { inMarks } from '../../model/search';
import { PAGE_BYTES, useBodyPages, type BodyRef } from './use-body';
import { useScaledRows } from './use-scaled-rows';

const ROW = 18;

export function HexView({ body, size, version, marks, target }: { body: BodyRef; size: number; version: string; marks: (from: number, to: number) => [number, number][]; target: { offset: number; length: number; nonce: number } | null }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = Math.ceil(size / ROW_BYTES);
  const view = useScaledRows(rows, ROW, scroller);
  const { pages, need } = useBodyPages(body, version);
  useEffect(() => {
    if (target) view.scrollTo(Math.floor(target.offset / ROW_BYTES));
  }, [target?.nonce, target?.offset, rows]);
  const from = view.first * ROW_BYTES;
  const to = Math.min(size, (view.first + view.count) * ROW_BYTES);
  for (let page = Math.floor(from / PAGE_BYTES); page * PAGE_BYTES < to; page++) need(page);
  const marked = marks(from, to);
  const current = (offset: number) => target !== null && offset >= target.offset && offset < target.offset + Math.max(1, target.length);
  const cells: ReactElement[] = [];
  for (let row = view.first; row < view.first + view.count; row++) {
    const offset = row * ROW_BYTES;
    const page = pages.get(Math.floor(offset / PAGE_BYTES));
    const within = offset % PAGE_BYTES;
    const count = Math.min(ROW_BYTES, size - offset);
    const values = page ? Array.from(page.subarray(within, within + count)) : null;
    const mark = (i: number) => (inMarks(marked, offset + i) ? (current(offset + i) ? 'mark current' : 'mark') : undefined);
    cells.push(
      <div key={row} className="hex-row" style={{ height: ROW }} data-offset={offset}>
        <span className="raw-offset">{offsetLabel(offset)}</span>
        <span className="raw-hex">
          {values ? values.map((v, i) => <span key={i} className={mark(i)}>{hex(v)}</span>) : <span className="hex-loading">reading…</span>}
        </span>
        <span className="raw-text">{values ? values.map((v, i) => <span key={i} className={mark(i)}>{printable(v)}</span>) : null}</span>
      </div>,
    );
  }
  return (
    <div ref={scroller} className="hex-rows" data-testid="hex" tabIndex={0} aria-label="Body as hex">
      <div style={{ height: view.height, position: 'relative' }}>
        <div className="hex-window" style={{ transform: `translateY(${view.top}px)` }}>
          {cells}
        </div>
      </div>
    </div>
  );
}
