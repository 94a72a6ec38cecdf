import type { ExchangeDetail, MessageDetail } from '../../../../shared/api';
import { printable } from '../../../../shared/printable';

function Message({ title, message }: { title: string; message: MessageDetail | null }) {
  if (!message) return null;
  return (
    <section className="headers-block">
      <h3>{title}</h3>
      <pre>
        {message.startLine === null ? '(no complete start-line)' : printable(message.startLine)}
        {'\n'}
        {message.headers.map(([name, value]) => `${name}: ${printable(value)}`).join('\n')}
      </pre>
      <p className="framing">
        framing: <strong>{message.framing}</strong>
        {message.framingReason ? ` (${message.framingReason})` : ''}
        {message.generated ? ' · made by Chunkscope' : ''}
      </p>
      {message.trailers && message.trailers.length > 0 ? (
        <>
          <h4>Trailers</h4>
          <pre>{message.trailers.map(([name, value]) => `${name}: ${printable(value)}`).join('\n')}</pre>
        </>
      ) : null}
    </section>
  );
}

export function HeadersTab({ detail }: { detail: ExchangeDetail }) {
  return (
    <div className="headers-tab" data-testid="headers">
      <Message title="Request" message={detail.request} />
      {detail.informational.map((m, i) => (
        <Message key={i} title="Interim response" message={m} />
      ))}
      <Message title="Response" message={detail.response} />
    </div>
  );
}
