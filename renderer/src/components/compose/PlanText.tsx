// The plan's text form, edited as text: line numbers beside it, and a mistake marked at its
// line (a band across the text and the number in red) with its sentence below; "Go to"
// puts the caret where the mistake is. Only the numbers in view are drawn, so a plan of
// many lines stays quick.

import { useMemo, useRef, useState } from 'react';
import type { PlanCheck } from '../../../../shared/compose';

const LINE_PX = 18;
const PADDING_PX = 6;

export function PlanText({ text, error, onChange }: { text: string; error: PlanCheck['error']; onChange: (text: string) => void }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 400 });
  const lines = useMemo(() => {
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  }, [text]);
  const first = Math.max(0, Math.floor((scroll.top - PADDING_PX) / LINE_PX) - 2);
  const last = Math.min(lines, first + Math.ceil(scroll.height / LINE_PX) + 4);
  const numbers = [];
  for (let n = first + 1; n <= last; n++) {
    numbers.push(
      <div key={n} className={n === error?.line ? 'error' : ''} data-testid={n === error?.line ? 'plan-error-line' : undefined} style={{ top: PADDING_PX + (n - 1) * LINE_PX - scroll.top }}>
        {n}
      </div>,
    );
  }
  const goTo = () => {
    const element = area.current;
    if (!element || !error) return;
    // The column counts bytes of the UTF-8 text; for ASCII plans (the engine writes ASCII) that is the character.
    let at = 0;
    for (let line = 1; line < error.line; line++) at = text.indexOf('\n', at) + 1;
    element.focus();
    element.setSelectionRange(at + error.column - 1, at + error.column - 1);
  };
  return (
    <div className="plan-text">
      <div className="plan-editor">
        <div className="plan-gutter" aria-hidden="true">
          {numbers}
        </div>
        <div className="plan-area">
          {error ? <div className="plan-error-band" style={{ top: PADDING_PX + (error.line - 1) * LINE_PX - scroll.top, height: LINE_PX }} /> : null}
          <textarea
            ref={area}
            data-testid="plan-text"
            aria-label="The plan as text"
            aria-invalid={error !== null}
            spellCheck={false}
            wrap="off"
            value={text}
            onChange={(event) => onChange(event.target.value)}
            onScroll={(event) => setScroll({ top: event.currentTarget.scrollTop, height: event.currentTarget.clientHeight })}
            style={{ lineHeight: `${LINE_PX}px`, padding: `${PADDING_PX}px 8px` }}
          />
        </div>
      </div>
      {error ? (
        <p className="problem" data-testid="plan-error" role="alert">
          Line {error.line}, column {error.column}: {error.reason}{' '}
          <button type="button" className="link" onClick={goTo}>
            Go to
          </button>
        </p>
      ) : null}
    </div>
  );
}
