// A line to paste somewhere else (a terminal, a client's settings): shown whole, selected
// by one click, with a Copy button. The clipboard needs a secure context (the desktop app,
// or a page on loopback); where it is refused, the line is selected for Ctrl+C instead.
import { useRef } from 'react';
import { useAppStore } from '../../context';

export function CopyLine({ text, testId, label }: { text: string; testId: string; label: string }) {
  const store = useAppStore();
  const code = useRef<HTMLElement>(null);
  const select = () => {
    const range = document.createRange();
    if (!code.current) return;
    range.selectNodeContents(code.current);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
  };
  const copy = () => {
    const done = () => store.getState().notify(`copied: ${label}`);
    const refused = () => {
      select();
      store.getState().notify(`${label}: selected; press Ctrl+C to copy it (the clipboard refused)`);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, refused);
    else refused();
  };
  return (
    <div className="copy-line">
      <code ref={code} data-testid={testId} onClick={select}>
        {text}
      </code>
      <button type="button" className="copy" onClick={copy} title={`Copy ${label}`} aria-label={`Copy ${label}`}>
        Copy
      </button>
    </div>
  );
}
