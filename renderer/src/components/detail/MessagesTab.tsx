// The Messages tab of an exchange whose 101 began a WebSocket: what the handshake agreed,
// the account's headline, and every message kept (both sides, in the order they
// completed) with who sent it, when, its kind, frames, size, its text or first bytes and
// its problems; a message opens whole below, its bytes one click away in Raw.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { ExchangeDetail } from '../../../../shared/api';
import { duration, groupDigits } from '../../../../shared/words';
import { countLabel, direction, handshakeLabel, kindLabel, preview, problemsOf, sizeLabel } from '../../model/websocket';
import { WebSocketMessageDetail } from './WebSocketMessageDetail';
import { useWebSocketMessages } from './use-websocket-messages';

const ROW = 22;

export function MessagesTab({ detail }: { detail: ExchangeDetail }) {
  const { view, messages, error } = useWebSocketMessages(detail.id);
  const parent = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<number | null>(null);
  const virtualizer = useVirtualizer({ count: messages.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 20, scrollMargin: ROW });
  const origin = detail.account.span.from;
  const findings = [...(detail.request?.anomalies ?? []), ...(detail.response?.anomalies ?? [])];
  if (error) return <p className="missing">{error}</p>;
  if (!view) return <p className="empty">Reading the WebSocket's messages…</p>;
  return (
    <div className="messages-tab" data-testid="messages">
      {/* The detail's headline above is the WebSocket's when it says more than the exchange's own. */}
      {view.headline !== detail.account.headline ? (
        <p className={`headline ${view.tone}`} data-testid="ws-headline">
          {view.headline}
        </p>
      ) : null}
      <p className="summary" data-testid="ws-handshake">
        {handshakeLabel(view).join(' · ')}
      </p>
      <p className="summary" data-testid="ws-count">
        {countLabel(view)}
      </p>
      {messages.length === 0 ? <p className="empty">No message yet.</p> : null}
      <div ref={parent} className="ledger ws-messages" tabIndex={0} role="grid" aria-label="WebSocket messages">
        <div className="ledger-row header" role="row" data-testid="ws-header">
          <span data-col="#">#</span>
          <span data-col="at" title="When its last byte arrived, since the request's first byte">at</span>
          <span data-col="direction">direction</span>
          <span data-col="kind">kind</span>
          <span data-col="frames">frames</span>
          <span data-col="size" title="Payload bytes, decoded (as sent, when compressed)">size</span>
          <span data-col="content">content (click to open)</span>
        </div>
        {/* getTotalSize() leaves out the scroll margin (the header row) already. */}
        <div className="ledger-space" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const m = messages[row.index]!;
            const shown = preview(m);
            const problems = problemsOf(m, findings);
            return (
              <div
                key={row.index}
                className={`ledger-row ${open === row.index ? 'picked' : ''}`}
                data-testid="ws-message"
                role="row"
                aria-selected={open === row.index}
                onClick={() => setOpen(open === row.index ? null : row.index)}
                style={{ transform: `translateY(${row.start - ROW}px)`, height: ROW }}
              >
                <span data-col="#">{groupDigits(m.seq + 1)}</span>
                <span data-col="at">{duration(m.last - origin)}</span>
                <span data-col="direction" className={m.from}>
                  {direction(m.from)}
                </span>
                <span data-col="kind">
                  {kindLabel(m)}
                  {m.compressed ? <span className="badge info" title={m.decompressed ? 'compressed with permessage-deflate; shown decompressed' : (m.note ?? 'compressed; not decompressed')}>{m.decompressed ? 'deflate' : 'deflate ✗'}</span> : null}
                </span>
                <span data-col="frames">{groupDigits(m.frames)}</span>
                <span data-col="size">{sizeLabel(m)}</span>
                <span data-col="content" className={`ws-content ${shown.hex ? 'hex' : ''}`} title={m.complete ? undefined : 'its last frame never arrived'}>
                  {problems.map((p) => (
                    <strong key={p.code} className="bad" data-testid="ws-problem">
                      ✗ {p.code} at byte {groupDigits(p.offset)}{' '}
                    </strong>
                  ))}
                  {m.complete ? null : <strong className="live">incomplete: </strong>}
                  {shown.text}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      {open !== null && messages[open] ? <WebSocketMessageDetail message={messages[open]!} origin={origin} findings={findings} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
