// The bytes of the chunk picked in the ledger or on the Timeline: its size line as sent,
// its extensions, its data and the CRLF after it, in hex and as text, read with the raw
// API at the chunk's offsets. The previous and next chunk are one key away ([ and ], or
// ↑ ↓ in the ledger).
import { useEffect, useState } from 'react';
import type { MessageDetail, RawSlice, RawStream } from '../../../../shared/api';
import { byteCount, groupDigits } from '../../../../shared/words';
import { useApi, useAppStore } from '../../context';
import { chunkParts, chunkRange, type ChunkPart, type ChunkParts } from '../../model/chunks';
import { hex, printable } from '../../model/raw';
import { useSize } from '../plot-support';

/** Read this much of a chunk's start; a longer chunk's end (its CRLF) is read apart. */
const HEAD = 2048;
const TAIL = 32;

export function decodeBase64(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const piece = (slice: RawSlice) => ({ offset: slice.offset, bytes: decodeBase64(slice.bytes), spans: slice.spans });

function Bytes({ part, testId, perRow }: { part: ChunkPart; testId: string; perRow: number }) {
  const rows: number[] = [];
  for (let at = 0; at < part.bytes.length; at += perRow) rows.push(at);
  return (
    <div className="byte-rows" data-testid={testId}>
      {rows.map((at) => {
        const row = part.bytes.subarray(at, at + perRow);
        return (
          <div key={at} className="byte-row">
            <span className="raw-offset">{groupDigits(part.offset + at)}</span>
            <span className="raw-hex">{Array.from(row, hex).join(' ')}</span>
            <span className="raw-text">{Array.from(row, printable).join('')}</span>
          </div>
        );
      })}
    </div>
  );
}

function Part({ name, part, testId, note, perRow }: { name: string; part: ChunkPart | null; testId: string; note?: string; perRow: number }) {
  return (
    <div className="chunk-part">
      <span className="part-name">{name}</span>
      {part ? <Bytes part={part} testId={testId} perRow={perRow} /> : <span className="part-none" data-testid={testId}>{note ?? 'none'}</span>}
    </div>
  );
}

export function ChunkBytes({ message, index, stream, connection }: { message: MessageDetail; index: number; stream: RawStream; connection: number }) {
  const api = useApi();
  const store = useAppStore();
  const range = chunkRange(message, index);
  // 16 bytes a row when there is room for them in hex and as text, else 8.
  const [box, size] = useSize<HTMLElement>({ width: 600, height: 200 });
  const perRow = size.width >= 640 ? 16 : 8;
  const [state, setState] = useState<{ key: string; parts: ChunkParts | null; error: string | null }>({ key: '', parts: null, error: null });
  const key = range ? `${connection}:${stream}:${range.from}:${range.to}` : '';
  useEffect(() => {
    if (!range) return;
    let cancelled = false;
    const length = range.to - range.from;
    const head = api.raw({ connection, stream, offset: range.from, length: Math.min(length, HEAD) });
    const tail = length > HEAD ? api.raw({ connection, stream, offset: Math.max(range.from + HEAD, range.to - TAIL), length: Math.min(TAIL, length - HEAD) }) : Promise.resolve(null);
    Promise.all([head, tail]).then(
      ([h, t]) => !cancelled && setState({ key, parts: chunkParts(piece(h), t ? piece(t) : null), error: null }),
      (error: Error) => !cancelled && setState({ key, parts: null, error: error.message }),
    );
    return () => {
      cancelled = true;
    };
    // `key` says everything the answer depends on (range is derived from the same numbers).
  }, [api, key]);
  if (!range) return null;
  const columns = message.chunkColumns!;
  const parts = state.key === key ? state.parts : null;
  const shownData = parts?.data?.bytes.length ?? 0;
  const received = columns.dataLengths[index]!;
  return (
    <section className="chunk-bytes" ref={box} data-testid="chunk-bytes" aria-label={`Chunk #${index + 1}`}>
      <header>
        <strong data-testid="chunk-bytes-title">
          chunk #{groupDigits(index + 1)} of {groupDigits(columns.sizes.length)}
        </strong>
        <span>
          {' '}
          · size <code>{columns.sizeTokens[index]}</code> = {byteCount(columns.sizes[index]!)} · at byte {groupDigits(range.from)}
        </span>
        <span className="chunk-nav">
          <button type="button" data-testid="chunk-previous" disabled={index === 0} onClick={() => store.getState().pickChunk({ side: store.getState().chunk?.side ?? 'response', index: index - 1 })} title="Previous chunk ([ or ↑ in the ledger)">
            ◀ previous
          </button>
          <button type="button" data-testid="chunk-next" disabled={index >= columns.sizes.length - 1} onClick={() => store.getState().pickChunk({ side: store.getState().chunk?.side ?? 'response', index: index + 1 })} title="Next chunk (] or ↓ in the ledger)">
            next ▶
          </button>
          <button type="button" data-testid="chunk-in-raw" onClick={() => store.getState().setTab('raw')} title="Show this chunk in the Raw tab, among the bytes around it">
            in Raw
          </button>
        </span>
      </header>
      {state.error && state.key === key ? <p className="missing">{state.error}</p> : null}
      {!parts ? (
        <p className="empty">Reading the chunk's bytes…</p>
      ) : (
        <div className="chunk-parts">
          <Part name="size" part={parts.sizeToken} testId="chunk-size-line" perRow={perRow} />
          <Part name="extensions" part={parts.extensions} testId="chunk-extensions" perRow={perRow} />
          <Part name="line end" part={parts.lineEnd} testId="chunk-line-end" perRow={perRow} note="not received" />
          <Part name="data" part={parts.data} testId="chunk-data" perRow={perRow} note={received === 0 ? 'not received' : undefined} />
          {received > shownData && shownData > 0 ? <p className="hint">the first {byteCount(shownData)} of {groupDigits(received)} are shown; the Raw tab has them all</p> : null}
          <Part name="CRLF" part={parts.crlf} testId="chunk-crlf" perRow={perRow} note={columns.crlf[index] ? 'not read' : 'missing: the data was not followed by CRLF'} />
          {parts.other ? <Part name="other bytes" part={parts.other} testId="chunk-other" perRow={perRow} /> : null}
        </div>
      )}
    </section>
  );
}
