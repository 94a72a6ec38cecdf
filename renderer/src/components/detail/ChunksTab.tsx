import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { ExchangeAccount } from '../../../../shared/account';
import type { ExchangeDetail, MessageDetail } from '../../../../shared/api';
import { duration, groupDigits } from '../../../../shared/words';
import { printable } from '../../../../shared/printable';

const ROW = 22;

function Ledger({ message }: { message: MessageDetail }) {
  const columns = message.chunkColumns!;
  const parent = useRef<HTMLDivElement>(null);
  const count = columns.sizes.length;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20 });
  const start = message.first ?? 0;
  return (
    <div className="ledger" data-testid="ledger">
      <div className="ledger-row header">
        <span>#</span>
        <span>offset</span>
        <span>size as sent</span>
        <span>decimal</span>
        <span>extensions</span>
        <span>arrived</span>
        <span>gap</span>
        <span>data</span>
        <span>CRLF</span>
      </div>
      <div ref={parent} className="ledger-rows">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const i = item.index;
            const gap = i === 0 ? null : columns.firstTimes[i]! - columns.lastTimes[i - 1]!;
            const short = columns.dataLengths[i]! < columns.sizes[i]!;
            return (
              <div key={i} className="ledger-row" data-testid="chunk" style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                <span>{i + 1}</span>
                <span>{groupDigits(columns.offsets[i]!)}</span>
                <code data-testid="size-token">{columns.sizeTokens[i]}</code>
                <span>{groupDigits(columns.sizes[i]!)}</span>
                <code>{printable(columns.extensions[i]!)}</code>
                <span>{duration(columns.lastTimes[i]! - start)}</span>
                <span>{gap === null ? '' : duration(Math.max(0, gap))}</span>
                <span className={short ? 'bad' : ''}>{short ? `${groupDigits(columns.dataLengths[i]!)} of ${groupDigits(columns.sizes[i]!)}` : groupDigits(columns.dataLengths[i]!)}</span>
                <span className={columns.crlf[i] ? 'ok' : 'bad'}>{columns.crlf[i] ? '✓' : '✗'}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The last chunk as sent, or what the account says of its absence (the detail's headline). */
function Ending({ message, account }: { message: MessageDetail; account: ExchangeAccount | null }) {
  if (message.lastChunk) {
    return (
      <div className="ending ok" data-testid="last-chunk">
        last chunk <code>{message.lastChunk.sizeToken}{printable(message.lastChunk.extensions)}</code> at byte {groupDigits(message.lastChunk.offset)}
        {message.trailers && message.trailers.length > 0 ? (
          <ul className="trailers">
            {message.trailers.map(([name, value], i) => (
              <li key={i}>
                <code>
                  {name}: {printable(value)}
                </code>
              </li>
            ))}
          </ul>
        ) : (
          <span> · no trailers</span>
        )}
      </div>
    );
  }
  if (!account) return <div className="ending live">{message.complete ? 'no last chunk' : 'no last chunk (yet)'}</div>;
  return <div className={`ending ${account.tone === 'problem' ? 'bad' : 'live'}`}>{account.headline}</div>;
}

function framingSummary(m: MessageDetail | null): string {
  if (!m) return 'nothing';
  if (m.framing !== 'chunked') return `${m.framing}${m.contentLength !== null ? ` (${groupDigits(m.contentLength)} bytes)` : ''}`;
  return `${groupDigits(m.chunkCount)} chunk${m.chunkCount === 1 ? '' : 's'}, ${m.terminator ? 'last chunk ✓' : 'no last chunk'}`;
}

/** With rules on: which side's framing the ledger shows. */
function Sides({ detail, side, setSide }: { detail: ExchangeDetail; side: 'delivered' | 'original'; setSide: (s: 'delivered' | 'original') => void }) {
  const original = detail.original!;
  return (
    <div className="sides" data-testid="framing-sides">
      <button type="button" data-testid="side-delivered" className={side === 'delivered' ? 'active' : ''} onClick={() => setSide('delivered')}>
        Delivered to the client: {framingSummary(detail.response)}
      </button>
      <button type="button" data-testid="side-original" className={side === 'original' ? 'active' : ''} onClick={() => setSide('original')}>
        As the origin sent it: {framingSummary(original.response)}
      </button>
    </div>
  );
}

export function ChunksTab({ detail: shown }: { detail: ExchangeDetail }) {
  const [side, setSide] = useState<'delivered' | 'original'>('delivered');
  const detail: ExchangeDetail = side === 'original' && shown.original ? { ...shown, request: shown.original.request, response: shown.original.response } : shown;
  const sides = shown.original ? <Sides detail={shown} side={side} setSide={setSide} /> : null;
  const response = detail.response;
  const request = detail.request;
  const message = response?.chunkColumns ? response : request?.chunkColumns ? request : null;
  if (!message) {
    return (
      <>
      {sides}
      <p className="empty">
        {!response
          ? 'No response yet.'
          : response.framing === 'unknown'
            ? `Framing unknown: ${response.framingReason ?? 'the import did not record it'}.`
            : `This response is not chunked (framing: ${response.framing}${response.framingReason ? `: ${response.framingReason}` : ''}).`}
      </p>
      </>
    );
  }
  return (
    <div className="chunks-tab">
      {sides}
      <p className="summary">
        {message === request ? 'Request body: ' : ''}
        {groupDigits(message.chunkCount)} chunks, {groupDigits(message.bodyLength)} bytes of data
        {message.chunksTruncated ? ` (the first ${groupDigits(message.chunkColumns!.sizes.length)} are listed)` : ''}
      </p>
      <Ledger message={message} />
      <Ending message={message} account={message === response && side === 'delivered' ? detail.account : null} />
    </div>
  );
}
