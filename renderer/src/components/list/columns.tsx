// The Exchanges list's columns: what each shows, how it sorts, its width. The two classic
// failures come early: whether the last chunk came and how the connection ended.
import type { ReactNode } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { duration, endLabel, groupDigits, rate, size } from '../../../../shared/words';
import { httpsTitle } from '../../model/format';
import type { SortKey } from '../../model/sort';
import { CLIENT_COLUMN, webSocketCell } from './marks';

export interface ListColumn {
  /** Also the cell's data-col, which tests and styles use. */
  id: string;
  title: string;
  /** What the header says on hover. */
  about: string;
  size: number;
  /** Narrow enough to be useful, wide enough that its numbers are never cut. */
  minSize: number;
  /** Takes a share of the room left over. */
  flex?: number;
  hidden?: boolean;
  numeric?: boolean;
  sortKey: SortKey;
  cell(row: ExchangeRow, context: CellContext): { text: ReactNode; className?: string; title?: string };
}

export interface CellContext {
  /** When the session began (times are shown since then). */
  origin: number;
  /** What a breakpoint holds of this exchange, in words ("the response, held before chunk #3 …"), or null. */
  held: string | null;
}

/** A padlock for decrypted HTTPS (an SVG: emoji fonts are not everywhere). */
function Lock() {
  return (
    <svg className="lock" data-testid="https" role="img" aria-label="HTTPS" viewBox="0 0 10 12" width="9" height="11">
      <path d="M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <rect x="1" y="5" width="8" height="6.5" rx="1" fill="currentColor" />
    </svg>
  );
}

/** A pin (an SVG, as the padlock). */
export function Pin() {
  return (
    <svg className="pin" data-testid="pin-mark" role="img" aria-label="pinned" viewBox="0 0 12 12" width="11" height="11">
      <path d="M4 1h4l-.6 3.2L10 6.5v1H6.6L6 11.5 5.4 7.5H2v-1l2.6-2.3z" fill="currentColor" />
    </svg>
  );
}

/** A comment: a speech bubble whose title is the comment, on hover. */
function CommentMark({ comment }: { comment: string }) {
  return (
    <svg className="comment-mark" data-testid="comment-mark" role="img" aria-label={`comment: ${comment}`} viewBox="0 0 12 12" width="11" height="11">
      <title>{comment}</title>
      <path d="M1.5 2h9a.5.5 0 0 1 .5.5v5.5a.5.5 0 0 1-.5.5H5l-2.5 2.2V8.5h-1A.5.5 0 0 1 1 8V2.5a.5.5 0 0 1 .5-.5z" fill="currentColor" />
    </svg>
  );
}

function terminatorCell(row: ExchangeRow, held: string | null): { text: string; className: string; title?: string } {
  // Held at a breakpoint: Chunkscope's doing, not a stall of the sender's.
  if (held) return { text: 'held', className: 'held-cell', title: held };

  if (row.stalled?.ongoing) return { text: `stalled ${duration(row.stalled.seconds)}`, className: 'stalled' };
  switch (row.terminator) {
    case 'present':
      return { text: 'present', className: 'ok' };
    case 'missing':
      return { text: 'MISSING', className: 'bad' };
    case 'streaming':
      return { text: 'streaming…', className: 'live' };
    default:
      return { text: row.framing === null && row.state === 'waiting' ? 'waiting…' : '', className: '' };
  }
}

const TERMINATOR_ORDER = { missing: 0, streaming: 1, present: 2, none: 3 } as const;

export const LIST_COLUMNS: ListColumn[] = [
  { id: '#', title: '#', about: 'Order in the session', size: 72, minSize: 66, numeric: true, sortKey: (r) => r.seq, cell: (r) => ({ text: groupDigits(r.seq) }) },
  {
    id: 'mark',
    title: 'mark',
    about: 'Pinned, and a comment (its text on hover): yours, saved in the capture',
    size: 56,
    minSize: 50,
    // Pinned first, then commented, when sorted by it.
    sortKey: (r) => (r.mark ? (r.mark.pinned ? 0 : 1) : null),
    cell: (r) => ({
      text: r.mark ? (
        <>
          {r.mark.pinned ? <Pin /> : null}
          {r.mark.comment ? <CommentMark comment={r.mark.comment} /> : null}
        </>
      ) : null,
      title: r.mark?.comment || (r.mark?.pinned ? 'pinned' : undefined),
    }),
  },
  { id: 'started', title: 'started', about: "When the request began, since the session's first connection", size: 80, minSize: 64, numeric: true, hidden: true, sortKey: (r) => r.startedAt, cell: (r, c) => ({ text: duration(r.startedAt - c.origin) }) },
  { id: 'conn', title: 'conn', about: 'The connection (c1, c2…)', size: 64, minSize: 60, numeric: true, sortKey: (r) => r.connection, cell: (r) => ({ text: `c${r.connection}` }) },
  { id: 'req', title: 'req', about: 'Request #k on its connection (keep-alive)', size: 66, minSize: 62, numeric: true, sortKey: (r) => r.index, cell: (r) => ({ text: `#${r.index + 1}` }) },
  { id: 'method', title: 'method', about: 'Request method', size: 80, minSize: 60, sortKey: (r) => r.method, cell: (r) => ({ text: r.method ?? '' }) },
  {
    id: 'req body',
    title: 'req body',
    about: "How the request's body was framed (chunked requests: the IIS 6 story)",
    size: 80,
    minSize: 64,
    sortKey: (r) => r.requestFraming,
    cell: (r) => ({ text: r.requestFraming === 'content-length' ? (r.requestBytes > 0 ? 'length' : '') : r.requestFraming === 'none' ? '' : (r.requestFraming ?? ''), title: "How the request's body was framed" }),
  },
  {
    id: 'host',
    title: 'host',
    about: "Host (a padlock: HTTPS, decrypted by Chunkscope or Chunkscope's own connection)",
    size: 150,
    minSize: 80,
    flex: 1,
    sortKey: (r) => r.host,
    cell: (r) => ({ text: (
      <>
        {r.tls ? <Lock /> : null}
        {r.host ?? ''}
      </>
    ), title: httpsTitle(r) }),
  },
  { id: 'path', title: 'path', about: 'Request target', size: 200, minSize: 90, flex: 1.5, sortKey: (r) => r.path, cell: (r) => ({ text: r.path ?? '', title: r.path ?? '' }) },
  {
    id: 'status',
    title: 'status',
    about: 'Response status (* made by Chunkscope, not the origin)',
    size: 60,
    minSize: 52,
    numeric: true,
    sortKey: (r) => r.status,
    cell: (r) => ({ text: `${r.status ?? ''}${r.generated ? '*' : ''}`, className: r.generated ? 'generated' : '', title: r.generated ? 'made by Chunkscope, not the origin' : (r.reason ?? '') }),
  },
  {
    id: 'framing',
    title: 'framing',
    about: "How the response's body was framed",
    size: 116,
    minSize: 70,
    sortKey: (r) => r.framing,
    cell: (r) =>
      webSocketCell(r) ?? {
        text: r.interception === 'failed' ? 'TLS failed' : r.interception === 'decrypted' ? 'decrypted' : r.tunnel ? 'tunnel' : (r.framing ?? ''),
        className: r.interception === 'failed' ? 'bad' : '',
      },
  },
  { id: 'chunks', title: 'chunks', about: 'Chunks of the response', size: 84, minSize: 78, numeric: true, sortKey: (r) => (r.framing === 'chunked' ? r.chunks : null), cell: (r) => ({ text: r.framing === 'chunked' ? groupDigits(r.chunks) : '' }) },
  {
    id: 'last chunk',
    title: 'last chunk',
    about: 'Whether the zero-length last chunk came (or how long the body has been stalled)',
    size: 104,
    minSize: 90,
    sortKey: (r) => (r.stalled?.ongoing ? -1 : TERMINATOR_ORDER[r.terminator]),
    cell: (r, c) => terminatorCell(r, c.held),
  },
  {
    id: 'ended',
    title: 'ended',
    about: 'How the connection ended, and who ended it',
    size: 112,
    minSize: 80,
    sortKey: (r) => (r.ended ? endLabel(r.ended) : r.keptAlive ? 'kept alive' : null),
    cell: (r) => ({ text: r.ended ? endLabel(r.ended) : r.keptAlive ? 'kept alive' : '', className: r.ended?.how === 'rst' ? 'bad' : '' }),
  },
  {
    id: 'anomalies',
    title: 'anomalies',
    about: 'Findings (red: errors); ⚙ a rule changed this exchange',
    size: 98,
    minSize: 60,
    numeric: true,
    sortKey: (r) => r.anomalies.errors * 1e6 + r.anomalies.count,
    cell: (r) => ({
      text: (
        <>
          {r.anomalies.count > 0 ? (
            <span className={`badge ${r.anomalies.errors > 0 ? 'error' : 'info'}`} title={r.anomalies.codes.join('\n')}>
              {groupDigits(r.anomalies.count)}
            </span>
          ) : null}
          {r.rules > 0 ? (
            <span className="badge rule" data-testid="rule-badge" title="A rule changed what was sent: the detail shows the original and the delivered framing">
              ⚙
            </span>
          ) : null}
        </>
      ),
    }),
  },
  {
    id: 'bytes',
    title: 'bytes',
    about: 'Body bytes received (and the rate while it streams)',
    size: 120,
    minSize: 70,
    numeric: true,
    sortKey: (r) => r.bodyBytes,
    cell: (r) => ({
      text: (
        <>
          {size(r.bodyBytes)}
          {r.state === 'streaming' && r.rate ? <em> · {rate(r.rate)}</em> : null}
        </>
      ),
      title: `${groupDigits(r.bodyBytes)} bytes of body; ${groupDigits(r.responseBytes)} on the wire`,
    }),
  },
  CLIENT_COLUMN,
  { id: 'duration', title: 'duration', about: "From the request's first byte to the response's last", size: 80, minSize: 64, numeric: true, sortKey: (r) => r.duration, cell: (r) => ({ text: r.duration === null ? '' : duration(r.duration) }) },
];

export const SORT_KEYS: Record<string, SortKey> = Object.fromEntries(LIST_COLUMNS.map((c) => [c.id, c.sortKey]));
