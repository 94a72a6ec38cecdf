// One WebSocket message opened whole: who sent it and when, its frames and sizes, whether
// it was compressed and decompressed, its close code, its problems with their sentences,
// what was kept of its payload (as text and in hex), and a link to its bytes in Raw.
import type { AnomalyRecord } from '../../../../shared/ledger';
import type { WebSocketMessage } from '../../../../shared/websocket';
import { byteCount, duration, groupDigits } from '../../../../shared/words';
import { useAppStore } from '../../context';
import { bytesOf, closeLabel, compressionLabel, direction, hexBytes, kindLabel, problemsOf, sizeLabel, visibleText } from '../../model/websocket';

export function WebSocketMessageDetail({ message: m, origin, findings, onClose }: { message: WebSocketMessage; origin: number; findings: readonly AnomalyRecord[]; onClose: () => void }) {
  const store = useAppStore();
  const kept = m.text !== null ? null : bytesOf(m.data);
  const compression = compressionLabel(m);
  const problems = problemsOf(m, findings);
  const fields: [string, string][] = [
    ['direction', direction(m.from)],
    ['kind', m.kind === 'reserved' ? kindLabel(m) : `${kindLabel(m)} (opcode 0x${m.opcode.toString(16)})`],
    ['first byte', duration(m.first - origin)],
    ['last byte', duration(m.last - origin)],
    ['frames', groupDigits(m.frames)],
    ['size', sizeLabel(m)],
    ['bytes', `${groupDigits(m.offset)}–${groupDigits(Math.max(m.offset, m.end - 1))} of what the ${m.from === 'client' ? 'client sent' : 'client received'}`],
  ];
  if (compression) fields.push(['compression', compression]);
  if (m.close) fields.push(['close', closeLabel(m.close)]);
  if (!m.complete) fields.push(['complete', 'no: its last frame never arrived']);
  return (
    <section className="item-detail" data-testid="ws-message-detail" aria-label={`Message #${m.seq + 1}`}>
      <header>
        <strong>message #{groupDigits(m.seq + 1)}</strong>
        <span> · the {m.from}'s #{groupDigits(m.index + 1)}</span>
        <button type="button" className="link" data-testid="ws-in-raw" onClick={() => store.getState().showByte(m.stream, m.offset)} title="Show this message's frames among the connection's bytes">
          its bytes in Raw
        </button>
        <button type="button" className="icon" aria-label="Close the message" onClick={onClose}>
          ✕
        </button>
      </header>
      <dl>
        {fields.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {problems.length > 0 ? (
        <ul className="anomalies" data-testid="ws-message-problems">
          {problems.map((p) => (
            <li key={p.code} className="error">
              <button type="button" className="link" onClick={() => store.getState().showByte(m.stream, p.offset)} title="Show this byte in the raw view">
                <code>{p.code}</code> at byte {groupDigits(p.offset)}
              </button>
              {p.sentence ? `: ${p.sentence}` : ' (the first of this problem is told above)'}
            </li>
          ))}
        </ul>
      ) : null}
      {m.text !== null ? (
        <>
          <h4>
            text{m.cut ? `: the first ${byteCount(new TextEncoder().encode(m.text).length)} kept of ${byteCount(m.size ?? m.wireLength)}` : ''}
          </h4>
          <pre data-testid="ws-message-text">
            {visibleText(m.text)}
            {m.cut ? '…' : ''}
          </pre>
        </>
      ) : kept && kept.length > 0 ? (
        <>
          <h4>{m.cut ? `the first ${byteCount(kept.length)} kept of ${byteCount(m.size ?? m.wireLength)}` : 'payload'}, in hex</h4>
          <pre className="byte-rows" data-testid="ws-message-hex">
            {hexBytes(kept)}
            {m.cut ? ' …' : ''}
          </pre>
        </>
      ) : null}
    </section>
  );
}
