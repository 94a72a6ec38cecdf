// XML and HTML indented, with syntax colour. XML that is not well-formed is not repaired:
// it is shown as sent, with where the parser stopped.
import { useMemo } from 'react';
import { prettyHtml, prettyXml } from '../../model/markup-view';
import { markText } from '../../model/search';
import { syntaxLines } from '../../model/syntax';
import { Lines } from './Lines';

export function MarkupView({ text, kind, marker }: { text: string; kind: 'xml' | 'html'; marker: RegExp | null }) {
  const pretty = useMemo(() => (kind === 'xml' ? prettyXml(text) : prettyHtml(text)), [text, kind]);
  const shown = pretty.text ?? text;
  const lines = useMemo(() => syntaxLines(shown, 'markup'), [shown]);
  const first = marker ? lines.findIndex((l) => markText(l.map((p) => p.text).join(''), marker).some((s) => s.marked)) : -1;
  return (
    <div className="markup-view">
      {pretty.text === null && pretty.tooLarge ? <p className="empty">Not indented: {pretty.tooLarge}.</p> : null}
      {pretty.text === null && pretty.problem ? (
        <p className="missing" data-testid="body-problems">
          Not well-formed XML: {pretty.problem.message} at line {pretty.problem.line}, column {pretty.problem.column}. Shown as it is, not indented.
        </p>
      ) : null}
      <Lines count={lines.length} line={(i) => lines[i]!} marker={marker} target={first >= 0 ? { line: first, nonce: 0 } : null} testId="body-pretty" label={kind === 'xml' ? 'XML, indented' : 'HTML, indented'} />
    </div>
  );
}
