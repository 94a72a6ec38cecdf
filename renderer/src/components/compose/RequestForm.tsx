// One request of the plan in the form: its request line, its field lines as sent (order,
// case and separator kept), how its body is framed, and the body itself.

import type { RequestPlan } from '../../../../shared/plan';
import { framingOf, joinField, joinRequestLine, splitField, splitRequestLine, withFraming, type Framing } from '../../model/plan-form';
import { ChunkedBody, DataInput } from './ChunkedBody';
import { BytesInput, NumberInput } from './fields';

const FRAMINGS: [Framing, string][] = [
  ['none', 'no body'],
  ['content-length', 'Content-Length'],
  ['chunked', 'chunked'],
  ['bytes', 'bytes as they are'],
];

/** Steps the form draws at most; a longer body is edited in the text form. */
const MAX_FORM_STEPS = 300;

function Head({ request, onChange }: { request: RequestPlan; onChange: (request: RequestPlan) => void }) {
  const head = request.head;
  if (head.kind !== 'lines') return <p className="hint">This head is written as bytes (a bare LF, leading empty lines…): edit it in the Text tab.</p>;
  const setLine = (startLine: string) => onChange({ ...request, head: { ...head, startLine } });
  const setFields = (fields: string[]) => onChange({ ...request, head: { ...head, fields } });
  const parts = splitRequestLine(head.startLine);
  const move = (i: number, by: number) => {
    const fields = head.fields.slice();
    const [line] = fields.splice(i, 1);
    fields.splice(i + by, 0, line!);
    setFields(fields);
  };
  return (
    <>
      <h3 className="form-caption">Request line</h3>
      {parts ? (
        <div className="request-line">
          <BytesInput className="req-method" data-testid="compose-method" aria-label="Method" list="compose-methods" bytes={parts.method} onBytes={(method) => setLine(joinRequestLine({ ...parts, method }))} />
          <BytesInput className="req-target" data-testid="compose-target" aria-label="Target" bytes={parts.target} onBytes={(target) => setLine(joinRequestLine({ ...parts, target }))} />
          <BytesInput className="req-version" data-testid="compose-version" aria-label="Version" bytes={parts.version} onBytes={(version) => setLine(joinRequestLine({ ...parts, version }))} />
        </div>
      ) : (
        <BytesInput className="line" data-testid="compose-request-line" aria-label="Request line" bytes={head.startLine} onBytes={setLine} />
      )}
      <datalist id="compose-methods">
        {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <h3 className="form-caption">Fields, as sent (order, case and spacing kept)</h3>
      <ul className="field-lines" aria-label="Header fields as sent">
        {head.fields.map((line, i) => {
          const field = splitField(line);
          const set = (next: Partial<typeof field>) => setFields(head.fields.map((f, j) => (j === i ? joinField({ ...field, ...next }) : f)));
          return (
            <li key={i} data-testid="compose-field">
              <BytesInput className="name" data-testid="field-name" aria-label={`field ${i + 1}: name`} placeholder="Name" bytes={field.name} onBytes={(name) => set({ name })} />
              <BytesInput className="value" data-testid="field-value" aria-label={`field ${i + 1}: value`} placeholder="value" bytes={field.value} onBytes={(value) => set({ value })} />
              <button type="button" className="icon" aria-label={`Move field ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                ↑
              </button>
              <button type="button" className="icon" aria-label={`Remove field ${i + 1}`} data-testid="field-remove" onClick={() => setFields(head.fields.filter((_, j) => j !== i))}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" data-testid="add-field" onClick={() => setFields([...head.fields, ''])}>
        + field
      </button>
    </>
  );
}

function Body({ request, onChange }: { request: RequestPlan; onChange: (request: RequestPlan) => void }) {
  const framing = framingOf(request);
  if (framing === null || request.body.length > MAX_FORM_STEPS) {
    return <p className="hint" data-testid="body-text-only">This body ({request.body.length} steps{framing === null ? ', mixing what the form shows apart' : ''}) is edited in the Text tab.</p>;
  }
  const setBody = (body: RequestPlan['body']) => onChange({ ...request, body });
  const bytesStep = request.body[0]?.step === 'bytes' ? request.body[0] : null;
  return (
    <>
      <label className="framing-choice form-caption">
        Body{' '}
        <select data-testid="compose-framing" aria-label="How the body is framed" value={framing} disabled={request.head.kind !== 'lines'} onChange={(event) => onChange(withFraming(request, event.target.value as Framing))}>
          {FRAMINGS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {framing === 'chunked' ? <ChunkedBody body={request.body} onChange={setBody} /> : null}
      {framing === 'content-length' || framing === 'bytes' ? (
        <div className="bytes-body">
          <DataInput testId="compose-body" label="Body" data={bytesStep?.data ?? []} onData={(data) => setBody(data.length > 0 ? [{ step: 'bytes', data }] : [])} />
          {framing === 'content-length' ? <p className="hint">Content-Length: auto is sent with the body&apos;s length; write a number in its field to send another.</p> : null}
        </div>
      ) : null}
    </>
  );
}

export function RequestForm({ request, onChange }: { request: RequestPlan; onChange: (request: RequestPlan) => void }) {
  return (
    <div className="request-form" data-testid="request-form">
      <Head request={request} onChange={onChange} />
      <Body request={request} onChange={onChange} />
      <label className="pause-before">
        Wait before writing it <NumberInput aria-label="Pause before the request, in milliseconds" value={request.pauseBefore} max={600_000} onValue={(pauseBefore) => onChange({ ...request, pauseBefore })} /> ms
      </label>
    </div>
  );
}
