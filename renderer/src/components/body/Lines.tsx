// Lines of text, virtualised (any number of them), each plain or in coloured pieces,
// with a search's marks; the line of the match stepped to is scrolled to and outlined.
import { useEffect, useRef, type ReactNode } from 'react';
import { markText } from '../../model/search';
import type { SyntaxLine } from '../../model/syntax';
import { useScaledRows } from './use-scaled-rows';

const ROW = 18;

function Marked({ text, marker, className }: { text: string; marker: RegExp | null; className?: string }): ReactNode {
  const segments = markText(text, marker);
  if (segments.length === 1 && !segments[0]!.marked) return className ? <span className={className}>{text}</span> : text;
  return (
    <span className={className}>
      {segments.map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : s.text))}
    </span>
  );
}

export function Lines({ count, line, marker, target, testId, label }: { count: number; line: (index: number) => string | SyntaxLine; marker: RegExp | null; target: { line: number; nonce: number } | null; testId: string; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const view = useScaledRows(count, ROW, scroller);
  useEffect(() => {
    if (target) view.scrollTo(target.line);
  }, [target?.nonce, target?.line, count]);
  const rows: ReactNode[] = [];
  for (let i = view.first; i < view.first + view.count; i++) {
    const content = line(i);
    rows.push(
      <div key={i} className={`text-line ${target?.line === i ? 'current-line' : ''}`} style={{ height: ROW }} data-line={i + 1}>
        <span className="line-number">{i + 1}</span>
        <span className="line-text">{typeof content === 'string' ? <Marked text={content} marker={marker} /> : content.map((piece, j) => <Marked key={j} text={piece.text} marker={marker} className={piece.type ? `syntax-${piece.type}` : undefined} />)}</span>
      </div>,
    );
  }
  return (
    <div ref={scroller} className="text-lines" data-testid={testId} tabIndex={0} aria-label={label}>
      <div style={{ height: view.height, position: 'relative' }}>
        <div className="lines-window" style={{ transform: `translateY(${view.top}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
