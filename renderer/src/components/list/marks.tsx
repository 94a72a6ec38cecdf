// Marks the Exchanges list adds to a row: a WebSocket's badge (its messages so far, open or
// closed) in the framing column, and the client Chunkscope launched that made the
// exchange (`chunkscope run`, a browser) in a column of its own.
import type { ReactElement } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { launchedLine } from '../../../../shared/clients';
import { groupDigits, plural } from '../../../../shared/words';
import type { ListColumn } from './columns';

/** "WS 12 · open": the framing cell of an exchange whose 101 began a WebSocket. */
export function webSocketCell(row: ExchangeRow): { text: ReactElement; title: string } | null {
  const ws = row.webSocket;
  if (!ws) return null;
  const state = ws.closed ? 'closed' : 'open';
  return {
    text: (
      <span data-testid="ws-badge">
        <span className={`badge ws ${state}`}>WS</span> {groupDigits(ws.messages)} · {state}
      </span>
    ),
    title: `WebSocket: ${plural(ws.messages, 'message')} (${groupDigits(ws.client)} from the client, ${groupDigits(ws.server)} from the server), ${ws.closed ? 'closed' : 'still open'}; the Messages tab lists them`,
  };
}

/** A launched client's tag: the browser's name, or the command line as typed. */
export function ClientTag({ row }: { row: Pick<ExchangeRow, 'clientTag'> }) {
  if (!row.clientTag) return null;
  return (
    <span className="client-tag" data-testid="client-tag" title={launchedLine(row.clientTag)}>
      {row.clientTag.tag}
    </span>
  );
}

export const CLIENT_COLUMN: ListColumn = {
  id: 'client',
  title: 'client',
  about: 'The client Chunkscope launched that made it (chunkscope run, a browser from "Connect a client", a probe): shown when the session has one',
  size: 120,
  minSize: 64,
  hidden: true,
  sortKey: (r) => r.clientTag?.tag ?? null,
  cell: (r) => ({ text: <ClientTag row={r} /> }),
};
