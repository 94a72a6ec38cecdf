// The Body tab: a message's body by its type (a JSON tree and pretty text, XML and HTML
// indented and coloured, an image, text in its charset, hex), as sent or decoded, saying
// which and what was removed. Read from the capture on disk: the hex and text viewers a
// page at a time, whatever the size; the viewers that parse only up to their limit.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { Direction } from '../../../../shared/anomalies';
import type { ExchangeDetail } from '../../../../shared/api';
import { imageType } from '../../../../shared/body';
import type { BodyForm } from '../../../../shared/search';
import { byteCount, groupDigits, size as sizeWords } from '../../../../shared/words';
import { useApi, useApp } from '../../context';
import { bodyKind, formWords, textCharset, viewersFor, VIEWER_NAMES, type BodyViewer } from '../../model/body-kind';
import { MAX_JSON_VIEW, MAX_MARKUP_VIEW } from '../../model/view-limits';
import { byteMarks, textMarker } from '../../model/search';
import { HexView } from './HexView';
import { ImageView } from './ImageView';
import { TextView } from './TextView';
import { ViewerBoundary } from './ViewerBoundary';
import { base64Bytes, useBodyHead, useWholeBody, type BodyRef } from './use-body';

// The viewers that parse (jsonc-parser, saxes, js-beautify, Prism) load when first shown:
// they are most of the tab's weight, and the window opens without them.
const JsonTree = lazy(() => import('./JsonView').then((m) => ({ default: m.JsonTree })));
const JsonPretty = lazy(() => import('./JsonView').then((m) => ({ default: m.JsonPretty })));
const MarkupView = lazy(() => import('./MarkupView').then((m) => ({ default: m.MarkupView })));

/** Images are previewed up to this size; larger ones are shown as hex. */
const MAX_IMAGE_VIEW = 16 * 1024 * 1024;
/** What a viewer that reads the body whole takes at most. */
function limitOf(viewer: BodyViewer, kind: string | null): number | undefined {
  if (viewer === 'tree' || (viewer === 'pretty' && kind === 'json')) return MAX_JSON_VIEW;
  if (viewer === 'pretty') return MAX_MARKUP_VIEW;
  return viewer === 'image' ? MAX_IMAGE_VIEW : undefined;
}
const EMPTY: never[] = [];

export function BodyTab({ detail }: { detail: ExchangeDetail }) {
  const current = useApp((s) => s.currentMatch);
  const target = current && current.match.id === detail.id && current.match.part === 'body' ? current : null;
  const [direction, setDirection] = useState<Direction>(target?.match.direction ?? (detail.response ? 'response' : 'request'));
  const [form, setForm] = useState<BodyForm>(target?.match.form ?? 'decoded');
  const [chosen, setChosen] = useState<BodyViewer | null>(null);
  useEffect(() => {
    if (!target) return;
    setDirection(target.match.direction);
    setForm(target.match.form);
  }, [target?.nonce]);
  const message = direction === 'request' ? detail.request : detail.response;
  const api = useApi();
  const [readToEnd, setReadToEnd] = useState<'no' | 'reading' | 'done'>('no');
  // A live body grows: the facts are asked again when its end moves (or it was read to its end).
  const version = `${message?.end ?? 0} ${readToEnd}`;
  const body: BodyRef = useMemo(() => ({ id: detail.id, direction, form }), [detail.id, direction, form]);
  const head = useBodyHead(body, version);
  const slice = head.slice;
  const kind = slice ? bodyKind(slice.contentType, head.bytes) : null;
  // A body still encoded (zstd…) is bytes whatever its type says.
  const viewers = kind ? (slice!.stillEncoded ? (['hex', 'text'] as BodyViewer[]) : viewersFor(kind)) : [];
  const viewer = chosen && viewers.includes(chosen) ? chosen : (viewers[0] ?? 'hex');
  // As sent, the analysis knows the body's length already: a viewer reaches its end at once,
  // and the engine reads as far as a page asks. Decoded, it is known once decoded that far.
  const decoded = !!slice && slice.form === 'decoded' && slice.removed.some((r) => r !== 'chunk framing');
  const size = slice ? (decoded ? slice.size : Math.max(slice.size, message?.bodyLength ?? 0)) : 0;
  const sizeKnown = !!slice && (slice.sizeKnown || (!decoded && size === message?.bodyLength && message.complete));
  const readOn = () => {
    setReadToEnd('reading');
    api.body({ ...body, offset: Number.MAX_SAFE_INTEGER, length: 0 }).then(
      () => setReadToEnd('done'),
      () => setReadToEnd('done'),
    );
  };
  const limit = limitOf(viewer, kind);
  const tooLarge = limit !== undefined && size > limit;
  const whole = useWholeBody(body, size, !!slice && limit !== undefined && !tooLarge, `${version} ${sizeKnown}`);
  const run = useApp((s) => s.searchRun);
  const matches = run?.byExchange.get(detail.id) ?? EMPTY;
  const here = useMemo(() => matches.filter((m) => m.part === 'body' && m.direction === direction && m.form === form), [matches, direction, form]);
  const marker = useMemo(() => (run && here.length > 0 ? textMarker(run, here) : null), [run, here]);
  const charset = useMemo(() => (slice ? textCharset(slice.charset, head.bytes, slice.sizeKnown && slice.size <= head.bytes.length) : null), [slice, head.bytes]);
  const text = useMemo(() => (whole.base64 !== null && charset && viewer !== 'image' ? new TextDecoder(charset.name).decode(base64Bytes(whole.base64).subarray(charset.bomLength)) : null), [whole.base64, charset, viewer]);
  const byteTarget = target && target.match.direction === direction && target.match.form === form ? { offset: target.match.offset, length: target.match.length, nonce: target.nonce } : null;

  return (
    <div className="body-tab" data-testid="body">
      <div className="body-controls">
        <span className="sides">
          {(['request', 'response'] as const).map((d) => (
            <button key={d} type="button" className={direction === d ? 'active' : ''} data-testid={`body-${d}`} onClick={() => setDirection(d)}>
              {d}
            </button>
          ))}
        </span>
        <span className="sides">
          {(['decoded', 'sent'] as const).map((f) => (
            <button
              key={f}
              type="button"
              className={form === f ? 'active' : ''}
              data-testid={`body-form-${f}`}
              disabled={!!slice && !slice.contentEncoding}
              onClick={() => setForm(f)}
              title={slice && !slice.contentEncoding ? 'No Content-Encoding: the body as sent is the body decoded' : f === 'sent' ? 'As sent: chunk framing removed, Content-Encoding kept' : 'Decoded: gzip, deflate and br removed too'}
            >
              {f === 'sent' ? 'as sent' : 'decoded'}
            </button>
          ))}
        </span>
        <span className="sides" role="tablist" aria-label="Viewers">
          {viewers.map((v) => (
            <button key={v} type="button" role="tab" aria-selected={viewer === v} className={viewer === v ? 'active' : ''} data-testid={`viewer-${v}`} onClick={() => setChosen(v)}>
              {VIEWER_NAMES[v]}
            </button>
          ))}
        </span>
      </div>
      {head.error ? <p className="empty">{head.error}</p> : null}
      {slice ? (
        <p className="body-facts" data-testid="body-facts">
          <strong data-testid="body-form">{formWords(slice)}</strong>
          {' · '}
          <span title={byteCount(size)}>{sizeKnown ? sizeWords(size) : `${sizeWords(size)} so far`}</span>
          {!sizeKnown && decoded && message?.complete ? (
            <>
              {' '}
              <button type="button" className="link" data-testid="body-read-on" disabled={readToEnd === 'reading'} onClick={readOn} title="Decode the whole body to know its size (a large one takes a while)">
                {readToEnd === 'reading' ? 'decoding…' : 'decode to the end'}
              </button>
            </>
          ) : null}
          {slice.form === 'decoded' && slice.removed.some((r) => r !== 'chunk framing') ? ` (${sizeWords(slice.sentSize)} as sent)` : ''}
          {slice.contentType ? ` · ${slice.contentType}` : ''}
          {charset && (viewer === 'text' || text !== null) ? (
            <span data-testid="body-charset">
              {' · '}
              {charset.name} ({charset.said})
            </span>
          ) : null}
          {!slice.complete && slice.sizeKnown ? ' · cut short: the body did not arrive whole' : ''}
          {here.length > 0 ? ` · ${groupDigits(here.length)} search match${here.length === 1 ? '' : 'es'} here` : ''}
        </p>
      ) : null}
      {slice?.decodeFailure ? (
        <p className="missing" data-testid="decode-failure">
          {slice.decodeFailure.coding} decoding failed at byte {groupDigits(slice.decodeFailure.sentOffset)} of the body as sent: {slice.decodeFailure.message}. The decoded body shown stops there ({byteCount(slice.decodeFailure.decodedOffset)}).
        </p>
      ) : null}
      {slice?.limited ? <p className="missing">{slice.limited}</p> : null}
      {slice && size === 0 ? <p className="empty">No body{slice.sizeKnown ? '' : ' yet'}.</p> : null}
      {slice && size > 0 ? (
        tooLarge ? (
          <p className="empty" data-testid="body-too-large">
            The body is {byteCount(size)}: too large for the {VIEWER_NAMES[viewer]} viewer, which reads it whole (up to {byteCount(limit!)}).{' '}
            <button type="button" className="link" onClick={() => setChosen('text')}>
              Show it as text
            </button>{' '}
            or{' '}
            <button type="button" className="link" onClick={() => setChosen('hex')}>
              as hex
            </button>
            , read from disk a page at a time.
          </p>
        ) : viewer === 'hex' ? (
          <HexView body={body} size={size} version={version} marks={(from, to) => byteMarks(here, { direction, part: 'body', form }, from, to)} target={byteTarget} />
        ) : viewer === 'text' ? (
          <TextView body={body} size={size} charset={charset!} version={version} marker={marker} target={byteTarget} />
        ) : whole.error ? (
          <p className="missing">{whole.error}</p>
        ) : whole.base64 === null ? (
          <p className="empty">Reading the body: {sizeWords(whole.read)} of {sizeWords(size)}…</p>
        ) : viewer === 'image' ? (
          <ImageView base64={whole.base64} image={imageType(head.bytes)!} />
        ) : (
          <ViewerBoundary key={`${body.direction} ${body.form} ${viewer} ${version}`} viewer={VIEWER_NAMES[viewer]} onFallback={setChosen}>
          <Suspense fallback={<p className="empty">Loading the viewer…</p>}>
            {viewer === 'tree' ? (
              <JsonTree key={`${body.direction} ${body.form}`} text={text!} marker={marker} />
            ) : kind === 'json' ? (
              <JsonPretty text={text!} marker={marker} />
            ) : (
              <MarkupView text={text!} kind={kind === 'html' ? 'html' : 'xml'} marker={marker} />
            )}
          </Suspense>
          </ViewerBoundary>
        )
      ) : null}
    </div>
  );
}
