import { useState } from 'react';
import type { ExchangeAccount } from '../../../../shared/account';
import type { ExchangeDetail, MessageDetail, RawStream } from '../../../../shared/api';
import { groupDigits, plural } from '../../../../shared/words';
import { printable } from '../../../../shared/printable';
import { useApp, useAppStore } from '../../context';
import { ChunkBytes } from './ChunkBytes';
import { Ledger } from './Ledger';

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
  return (
    <div className={`ending ${account.tone === 'problem' ? 'bad' : 'live'}`} title={account.headline}>
      {account.headline}
    </div>
  );
}

function framingSummary(m: MessageDetail | null): string {
  if (!m) return 'nothing';
  if (m.framing !== 'chunked') return `${m.framing}${m.contentLength !== null ? ` (${groupDigits(m.contentLength)} bytes)` : ''}`;
  return `${plural(m.chunkCount, 'chunk')}, ${m.terminator ? 'last chunk ✓' : 'no last chunk'}`;
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
  const store = useAppStore();
  const picked = useApp((s) => s.chunk);
  const [side, setSide] = useState<'delivered' | 'original'>('delivered');
  const original = side === 'original' && shown.original !== null;
  const detail: ExchangeDetail = original ? { ...shown, request: shown.original!.request, response: shown.original!.response } : shown;
  const sides = shown.original ? <Sides detail={shown} side={side} setSide={setSide} /> : null;
  const { request, response } = detail;
  // The response's ledger, unless only the request was chunked (or the user asked for it).
  const both = !!request?.chunkColumns && !!response?.chunkColumns;
  const which: 'request' | 'response' = response?.chunkColumns && !(both && picked?.side === 'request') ? 'response' : 'request';
  const message = which === 'response' ? (response?.chunkColumns ? response : null) : request?.chunkColumns ? request : null;
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
  const index = picked && picked.side === which ? picked.index : null;
  // Streams: 0 the client sent, 1 it received; with rules, 2 the origin received, 3 it sent.
  const stream: RawStream = which === 'request' ? (original ? 2 : 0) : original ? 3 : 1;
  return (
    <div className="chunks-tab">
      {sides}
      <p className="summary">
        {both ? (
          <span className="sides">
            <button type="button" className={which === 'request' ? 'active' : ''} data-testid="ledger-request" onClick={() => store.getState().pickChunk({ side: 'request', index: 0 })}>
              request body
            </button>
            <button type="button" className={which === 'response' ? 'active' : ''} data-testid="ledger-response" onClick={() => store.getState().pickChunk({ side: 'response', index: 0 })}>
              response body
            </button>{' '}
          </span>
        ) : message === request ? (
          'Request body: '
        ) : (
          ''
        )}
        {plural(message.chunkCount, 'chunk')}, {groupDigits(message.bodyLength)} bytes of data
        {message.chunksTruncated ? ` (the first ${groupDigits(message.chunkColumns!.sizes.length)} are listed)` : ''}
        {index === null ? ' · pick a chunk to see its bytes' : ''}
      </p>
      <Ledger message={message} origin={detail.account.span.from} picked={index} onPick={(i) => store.getState().pickChunk({ side: which, index: i })} />
      {index !== null ? <ChunkBytes message={message} index={index} stream={stream} connection={detail.connection} /> : null}
      <Ending message={message} account={message === response && side === 'delivered' ? detail.account : null} />
    </div>
  );
}
