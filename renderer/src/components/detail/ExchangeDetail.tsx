import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { exchangeName, parseExchangeId } from '../../../../shared/exchange-id';
import { isErrorAnomaly } from '../../../../shared/anomalies';
import type { ExchangeDetail as Detail } from '../../../../shared/api';
import { useApi, useApp, useAppStore } from '../../context';
import { ownHttps, tlsSummary } from '../../model/format';
import { groupDigits } from '../../../../shared/words';
import { selectDetail, selectSession, selectTab, type DetailTab } from '../../store/store';
import { chunksFrom, isLive } from '../../store/detail';
import { BodyTab } from '../body/BodyTab';
import { ChunksTab } from './ChunksTab';
import { HeadersTab } from './HeadersTab';
import { MessagesTab } from './MessagesTab';
import { ClientTag } from '../list/marks';
import { launchedHow } from '../../../../shared/clients';
import { RawTab } from './RawTab';
import { StreamTab } from './StreamTab';
import { TimelineTab } from '../timeline/TimelineTab';
import { useReplayActions } from '../replay/use-replay-actions';
import { typing } from '../use-shortcuts';
import { useAddRule } from '../use-rules';
import { breakOnPath } from '../../../../shared/rules';
import { writeClipboard } from '../use-copy';
import { CopyMenu } from './CopyMenu';
import { MarkBar } from './MarkBar';

const TABS: [DetailTab, string][] = [
  ['chunks', 'Chunks'],
  ['stream', 'Stream'],
  ['body', 'Body'],
  ['messages', 'Messages'],
  ['timeline', 'Timeline'],
  ['raw', 'Raw'],
  ['headers', 'Headers'],
];

/**
 * Load the detail of the selected exchange; while it is live, again twice a second, asking
 * only for the chunks not held yet. The row, the ledger, the Timeline and the Stream view
 * all read that one answer, so they agree at each refresh.
 */
function useDetail(id: string): void {
  const api = useApi();
  const store = useAppStore();
  const row = useApp((s) => {
    const at = s.index.get(id);
    return at === undefined ? undefined : s.rows[at];
  });
  const last = useRef(0);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = () => {
      last.current = Date.now();
      api.exchangeDetail({ id, chunksFrom: chunksFrom(store.getState().detail, id) }).then(
        (detail) => {
          if (cancelled) return;
          store.getState().setDetail(detail);
          // A big ledger comes in several answers: the rest at once; a live one twice a second.
          if (detail.request?.chunksMore || detail.response?.chunksMore) timer = setTimeout(look, 0);
          else if (isLive(detail.row.state)) timer = setTimeout(look, 500);
        },
        (error: Error) => !cancelled && store.getState().setDetail(null, error.message),
      );
    };
    timer = setTimeout(look, Math.max(0, 500 - (Date.now() - last.current)));
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, store, id, row]);
}

function Anomalies({ detail }: { detail: Detail }) {
  const store = useAppStore();
  const items = [
    ...(detail.request?.anomalies ?? []).map((a) => ({ ...a, stream: 0 as const, direction: 'request' as const })),
    ...detail.informational.flatMap((m) => m.anomalies).map((a) => ({ ...a, stream: 1 as const, direction: 'response' as const })),
    ...(detail.response?.anomalies ?? []).map((a) => ({ ...a, stream: 1 as const, direction: 'response' as const })),
  ];
  if (items.length === 0) return null;
  return (
    <ul className="anomalies" data-testid="anomalies">
      {items.map((a, i) => (
        <li key={i} className={isErrorAnomaly(a.cls, a.direction) ? 'error' : 'info'}>
          <button type="button" className="link" data-testid="anomaly" onClick={() => store.getState().showByte(a.stream, a.offset)} title="Show this byte in the raw view">
            <code>{a.code}</code> at byte {groupDigits(a.offset)} ({a.direction})
          </button>
          : {a.message}
        </li>
      ))}
    </ul>
  );
}

/** Copy as curl: the command is shown (to read and select) and put on the clipboard. */
function CopyAsCurl({ id, detail }: { id: string; detail: Detail }) {
  const api = useApi();
  const store = useAppStore();
  const [curl, setCurl] = useState<{ id: string; command: string; bodyFile: string | null } | null>(null);
  const copy = () => {
    api.curlCommand({ id }).then(
      (result) => {
        setCurl({ id, ...result });
        writeClipboard(api, result.command).then(
          () => store.getState().notify(`copied the curl command${result.bodyFile ? `; its body is in ${result.bodyFile}` : ''}`),
          () => store.getState().notify('select the curl command to copy it (the clipboard is not available here)'),
        );
      },
      (error: Error) => store.getState().notify(`copy as curl: ${error.message}`),
    );
  };
  // In the detail's row of actions; the command, once made, on a line of its own below.
  return (
    <>
      <div className="copy-actions">
        <CopyMenu detail={detail} />
        <button type="button" data-testid="copy-curl" onClick={copy} title="A curl command line that sends this request again (method, target, headers, body; chunked where it was)">
          Copy as curl
        </button>
      </div>
      {curl && curl.id === id ? (
        <pre data-testid="curl-command" className="curl-command">
          {curl.command}
          {curl.bodyFile ? `\n# the body is binary: curl reads it from ${curl.bodyFile}` : ''}
        </pre>
      ) : null}
    </>
  );
}

/** The composer opened on this request exactly as it was sent. */
function EditAndResend({ id }: { id: string }) {
  const actions = useReplayActions();
  return (
    <button type="button" data-testid="edit-resend" onClick={() => actions.editAndResend(id)} title="Open the composer on this request exactly as it was sent (its framing included), to change it and send it again">
      Edit and resend
    </button>
  );
}

/** "Break on this path": a breakpoint for the responses to this path on this host, from now on. */
function BreakOnPath({ detail }: { detail: Detail }) {
  const addRule = useAddRule();
  const { method, path, host } = detail.row;
  const rule = breakOnPath('response', method, path, host);
  if (!rule) return null;
  return (
    <button type="button" data-testid="break-on-path" onClick={() => void addRule(rule)} title={`Add the breakpoint ${rule}: responses to this path are held at the proxy for you to step, chunk by chunk (new connections)`}>
      Break on this path
    </button>
  );
}

/** [ and ]: the previous and next chunk, wherever the focus is in the detail. */
function useChunkKeys(current: Detail | null) {
  const store = useAppStore();
  return (event: KeyboardEvent) => {
    if ((event.key !== '[' && event.key !== ']') || typing(event.target) || !current) return;
    const { chunk } = store.getState();
    const side = chunk?.side ?? (current.response?.chunkColumns ? 'response' : 'request');
    const count = current[side]?.chunkColumns?.sizes.length ?? 0;
    if (count === 0) return;
    event.preventDefault();
    const index = chunk ? chunk.index + (event.key === ']' ? 1 : -1) : event.key === ']' ? 0 : count - 1;
    store.getState().pickChunk({ side, index: Math.max(0, Math.min(count - 1, index)) });
  };
}

export function ExchangeDetail({ id }: { id: string }) {
  useDetail(id);
  const store = useAppStore();
  const detail = useApp(selectDetail);
  const error = useApp((s) => s.detailError);
  const chosen = useApp(selectTab);
  const session = useApp(selectSession);
  const current = detail && detail.id === id ? detail : null;
  const response = current?.response;
  // A remembered Stream or Messages tab on an exchange that has none: its chunks instead.
  const webSocket = !!current?.row.webSocket;
  const tab = (chosen === 'stream' && current && !current.stream) || (chosen === 'messages' && current && !webSocket) ? 'chunks' : chosen;
  const onKeyDown = useChunkKeys(current);
  // The list's row: marks made since the detail came are on it.
  const listed = useApp((s) => {
    const at = s.index.get(id);
    return at === undefined ? null : s.rows[at]!;
  });
  return (
    <section className="detail" data-testid="detail" tabIndex={-1} onKeyDown={onKeyDown}>
      <header className="detail-head">
        <h2>
          {exchangeTitle(id)}
          {current?.request?.startLine ? <code> {current.request.startLine}</code> : null}
        </h2>
        {response?.startLine ? <p className="status-line">{response.startLine}</p> : null}
        {current ? (
          <p className={`headline ${current.account.tone}`} data-testid="headline">
            {current.account.headline}
          </p>
        ) : null}
        {current?.account.hint ? (
          <p className="hint" data-testid="hint">
            Workaround: {current.account.hint}
          </p>
        ) : null}
        {current?.row.clientTag ? (
          <p className="tls-line" data-testid="client-line">
            <ClientTag row={current.row} /> {launchedHow(current.row.clientTag)}
          </p>
        ) : null}
        {current?.tls?.failure ? (
          <p className="missing" data-testid="tls-failure">
            TLS with the {current.tls.failure.side === 'client' ? 'client' : 'origin'} failed: {current.tls.failure.reason}
          </p>
        ) : null}
        {current?.tls?.client ? (
          <p className="tls-line" data-testid="tls">
            {tlsSummary(current.tls, session?.imported ?? null, ownHttps(current.tls, current.row))}
          </p>
        ) : null}
        {current && current.rules.length > 0 ? (
          <ul className="rules-applied" data-testid="rules-applied">
            {current.rules.map((r, i) => (
              <li key={i}>
                ⚙ <code>{r.rule}</code> ({r.direction}): {r.effect}
              </li>
            ))}
          </ul>
        ) : null}
        {current ? <Anomalies detail={current} /> : null}
        <div className="detail-actions">
          {listed ? <MarkBar row={listed} /> : null}
          {current?.request ? <EditAndResend id={id} /> : null}
          {current?.request ? <BreakOnPath detail={current} /> : null}
          {current?.request ? <CopyAsCurl id={id} detail={current} /> : null}
        </div>
        {error ? <p className="missing">{error}</p> : null}
      </header>
      <nav className="tabs" role="tablist">
        {TABS.filter(([key]) => (key !== 'stream' || current?.stream) && (key !== 'messages' || webSocket)).map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} data-testid={`tab-${key}`} className={tab === key ? 'active' : ''} onClick={() => store.getState().setTab(key)}>
            {label}
          </button>
        ))}
      </nav>
      <div className="tab-body">
        {!current ? <p className="empty">Loading…</p> : null}
        {/* Keyed by the exchange: a zoom, a side or an opened item belongs to the exchange it was chosen on. */}
        {current && tab === 'chunks' ? <ChunksTab key={current.id} detail={current} /> : null}
        {current && tab === 'stream' ? <StreamTab key={current.id} detail={current} /> : null}
        {current && tab === 'body' ? <BodyTab key={current.id} detail={current} /> : null}
        {current && tab === 'messages' ? <MessagesTab key={current.id} detail={current} /> : null}
        {current && tab === 'timeline' ? <TimelineTab key={current.id} detail={current} /> : null}
        {current && tab === 'raw' ? <RawTab key={current.id} detail={current} /> : null}
        {current && tab === 'headers' ? <HeadersTab detail={current} /> : null}
      </div>
    </section>
  );
}

function exchangeTitle(id: string): string {
  const ref = parseExchangeId(id);
  return ref ? exchangeName(ref) : id;
}
