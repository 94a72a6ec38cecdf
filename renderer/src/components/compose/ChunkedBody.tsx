// A chunked body in the form: each chunk as it is sent (its size token, extensions, data,
// and what ends its size line and its data), pauses between them, and the last chunk with
// its trailers, or no last chunk at all.

import type { BodyStep, ChunkStep, DataPiece, LastChunkStep } from '../../../../shared/plan';
import { dataLength } from '../../../../shared/plan';
import { groupDigits } from '../../../../shared/words';
import { chunkOf, dataField, followSize, LAST_CHUNK } from '../../model/plan-form';
import { BytesInput, EndSelect, NumberInput } from './fields';

/** Data as a field: its text, and how many times it is sent. */
export function DataInput({ data, onData, testId, label }: { data: DataPiece[]; onData: (data: DataPiece[]) => void; testId: string; label: string }) {
  const field = dataField(data);
  if (!field.editable) {
    return (
      <span className="data-long" data-testid={testId}>
        {groupDigits(field.length)} bytes: too long for a field; the Text tab has them
      </span>
    );
  }
  const set = (bytes: string, times: number) => onData(bytes === '' || times <= 0 ? [] : times === 1 ? [{ bytes }] : [{ repeat: bytes, times }]);
  const bytes = data.length === 1 && 'repeat' in data[0]! ? data[0].repeat : data.map((p) => ('bytes' in p ? p.bytes : p.repeat.repeat(p.times))).join('');
  return (
    <span className="data-input">
      <BytesInput className="data" data-testid={testId} aria-label={label} placeholder="data (\r \n \xHH escapes)" bytes={bytes} onBytes={(b) => set(b, field.times)} />
      <span className="times" title="Times the data is sent (1,500 × x is 1,500 bytes)">
        ×
        <NumberInput aria-label={`${label}: times`} data-testid={`${testId}-times`} value={field.times} min={1} max={64 * 1024 * 1024} onValue={(n) => set(bytes, n)} />
      </span>
    </span>
  );
}

function ChunkRow({ step, number, onChange, onRemove }: { step: ChunkStep; number: number; onChange: (step: ChunkStep) => void; onRemove: () => void }) {
  const length = dataLength(step.data);
  return (
    <li className="chunk-step" data-testid="compose-chunk">
      <span className="step-name">chunk #{number}</span>
      <BytesInput className="size" data-testid="chunk-size" aria-label={`chunk #${number}: size token as sent`} title="The size token exactly as sent (5DC, 05dc, or a size that lies)" bytes={step.size} onBytes={(size) => onChange({ ...step, size })} />
      <BytesInput className="ext" data-testid="chunk-ext" aria-label={`chunk #${number}: extensions`} placeholder=";name=value" bytes={step.extensions} onBytes={(extensions) => onChange({ ...step, extensions })} />
      <EndSelect label={`chunk #${number}: end of the size line`} testId="chunk-line-end" value={step.lineEnd} onValue={(lineEnd) => onChange({ ...step, lineEnd })} />
      <button type="button" className="icon" data-testid="chunk-remove" aria-label={`Remove chunk #${number}`} title="Remove this chunk" onClick={onRemove}>
        ✕
      </button>
      <DataInput testId="chunk-data" label={`chunk #${number}: data`} data={step.data} onData={(data) => onChange({ ...step, data, size: followSize(step.size, length, dataLength(data)) })} />
      <EndSelect label={`chunk #${number}: after the data`} testId="chunk-data-end" value={step.dataEnd} onValue={(dataEnd) => onChange({ ...step, dataEnd })} />
    </li>
  );
}

function LastChunk({ step, onChange }: { step: LastChunkStep; onChange: (step: LastChunkStep) => void }) {
  const setTrailer = (i: number, line: string | null) => onChange({ ...step, trailers: line === null ? step.trailers.filter((_, j) => j !== i) : step.trailers.map((t, j) => (j === i ? line : t)) });
  return (
    <div className="last-step">
      <div className="last-line">
        <BytesInput className="size" data-testid="last-size" aria-label="last chunk: size token" bytes={step.size} onBytes={(size) => onChange({ ...step, size })} />
        <BytesInput className="ext" data-testid="last-ext" aria-label="last chunk: extensions" placeholder=";name=value" bytes={step.extensions} onBytes={(extensions) => onChange({ ...step, extensions })} />
        <EndSelect label="last chunk: end of its line" testId="last-line-end" value={step.lineEnd} onValue={(lineEnd) => onChange({ ...step, lineEnd })} />
      </div>
      <ul className="trailer-lines">
        {step.trailers.map((line, i) => (
          <li key={i}>
            <BytesInput className="line" data-testid="trailer" aria-label={`trailer ${i + 1}`} placeholder="X-Checksum: 42" bytes={line} onBytes={(b) => setTrailer(i, b)} />
            <button type="button" className="icon" aria-label={`Remove trailer ${i + 1}`} onClick={() => setTrailer(i, null)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <div className="step-actions">
        <button type="button" data-testid="add-trailer" onClick={() => onChange({ ...step, trailers: [...step.trailers, ''] })}>
          + trailer
        </button>
        <label>
          then <EndSelect label="the empty line that ends the trailers" testId="last-end" value={step.end} onValue={(end) => onChange({ ...step, end })} />
        </label>
      </div>
    </div>
  );
}

export function ChunkedBody({ body, onChange }: { body: BodyStep[]; onChange: (body: BodyStep[]) => void }) {
  const lastAt = body.findIndex((s) => s.step === 'last-chunk');
  const last = lastAt >= 0 ? (body[lastAt] as LastChunkStep) : null;
  const steps = body.filter((s) => s.step !== 'last-chunk');
  const write = (next: BodyStep[], withLast: LastChunkStep | null) => onChange(withLast ? [...next, withLast] : next);
  const replace = (i: number, step: BodyStep | null) => write(step ? steps.map((s, j) => (j === i ? step : s)) : steps.filter((_, j) => j !== i), last);
  let chunks = 0;
  return (
    <div className="chunked-body">
      <ol className="steps">
        {steps.map((step, i) =>
          step.step === 'chunk' ? (
            <ChunkRow key={i} step={step} number={++chunks} onChange={(s) => replace(i, s)} onRemove={() => replace(i, null)} />
          ) : step.step === 'pause' ? (
            <li key={i} className="pause-step" data-testid="compose-pause">
              <span className="step-name">pause</span>
              <NumberInput aria-label="pause, in milliseconds" value={step.ms} max={600_000} onValue={(ms) => replace(i, { step: 'pause', ms })} /> ms
              <button type="button" className="icon" aria-label="Remove this pause" onClick={() => replace(i, null)}>
                ✕
              </button>
            </li>
          ) : null,
        )}
      </ol>
      <div className="step-actions">
        <button type="button" data-testid="add-chunk" onClick={() => write([...steps, chunkOf([{ bytes: 'hello' }])], last)}>
          + chunk
        </button>
        <button type="button" data-testid="add-pause" onClick={() => write([...steps, { step: 'pause', ms: 200 }], last)}>
          + pause
        </button>
        <label className="check" title="Without it the body never ends: the server waits for more">
          <input type="checkbox" data-testid="last-chunk-toggle" checked={last !== null} onChange={(event) => write(steps, event.target.checked ? { ...LAST_CHUNK } : null)} />
          last chunk
        </label>
      </div>
      {last ? <LastChunk step={last} onChange={(step) => write(steps, step)} /> : <p className="hint">No last chunk: the body never ends, as a server that hangs would see it.</p>}
    </div>
  );
}
