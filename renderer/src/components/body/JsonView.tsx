// JSON as a collapsible tree (keys in order and repeated, numbers as written) and as
// pretty text with syntax colour; what is wrong with it, and where, when it is not JSON.
import { useMemo, useRef, useState } from 'react';
import { groupDigits } from '../../../../shared/words';
import { jsonRows, jsonTree, prettyJson, type JsonNode, type JsonProblem } from '../../model/json-view';
import { markText } from '../../model/search';
import { syntaxLines } from '../../model/syntax';
import { Lines } from './Lines';
import { useScaledRows } from './use-scaled-rows';

const ROW = 20;

function Problems({ problems }: { problems: JsonProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="anomalies" data-testid="body-problems">
      {problems.slice(0, 5).map((p, i) => (
        <li key={i} className="error">
          not JSON: {p.message}
        </li>
      ))}
      {problems.length > 5 ? <li>and {groupDigits(problems.length - 5)} more</li> : null}
    </ul>
  );
}

/** Why there is no tree or pretty text: too large or too deep, in words; else what is wrong with the JSON. */
function NotShown({ tooLarge, problems }: { tooLarge?: string; problems: JsonProblem[] }) {
  if (!tooLarge) return <Problems problems={problems} />;
  return (
    <p className="empty" data-testid="body-not-parsed">
      Not shown as JSON: {tooLarge}. The Text and Hex viewers show it.
    </p>
  );
}

function Text({ text, marker }: { text: string; marker: RegExp | null }) {
  const segments = markText(text, marker);
  return <>{segments.map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : s.text))}</>;
}

/** Every node's path with children (for Expand all), and those on the way to a node the marker finds. */
function paths(root: JsonNode, marker: RegExp | null): { all: string[]; toMatches: string[] } {
  const all: string[] = [];
  const toMatches = new Set<string>();
  const walk = (node: JsonNode, parents: string[]) => {
    if (node.children.length > 0) all.push(node.path);
    if (marker && node.children.length === 0 && markText(`${node.key ?? ''} ${node.text}`, marker).some((s) => s.marked)) for (const p of parents) toMatches.add(p);
    for (const child of node.children) walk(child, [...parents, node.path]);
  };
  walk(root, []);
  return { all, toMatches: [...toMatches] };
}

export function JsonTree({ text, marker }: { text: string; marker: RegExp | null }) {
  const reading = useMemo(() => jsonTree(text), [text]);
  const root = reading.root;
  const known = useMemo(() => (root ? paths(root, marker) : { all: [], toMatches: [] }), [root, marker]);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set(['$', ...(root?.children.filter((c) => c.children.length > 0 && c.children.length <= 50).map((c) => c.path) ?? []), ...known.toMatches]));
  const rows = useMemo(() => (root ? jsonRows(root, open) : []), [root, open]);
  const scroller = useRef<HTMLDivElement>(null);
  const view = useScaledRows(rows.length, ROW, scroller);
  if (!root) return <NotShown tooLarge={'tooLarge' in reading ? reading.tooLarge : undefined} problems={reading.problems} />;
  const toggle = (path: string) => {
    const next = new Set(open);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setOpen(next);
  };
  return (
    <div className="json-tree-view">
      <div className="viewer-actions">
        <button type="button" data-testid="json-expand-all" onClick={() => setOpen(new Set(known.all))} title="Open every object and array">
          Expand all
        </button>
        <button type="button" data-testid="json-collapse-all" onClick={() => setOpen(new Set())} title="Close every object and array">
          Collapse all
        </button>
        <span className="summary">{groupDigits(rows.length)} rows shown</span>
      </div>
      <Problems problems={reading.problems} />
      <div ref={scroller} className="json-tree" data-testid="json-tree" role="tree" aria-label="JSON tree" tabIndex={0}>
        <div style={{ height: view.height, position: 'relative' }}>
          <div className="lines-window" style={{ transform: `translateY(${view.top}px)` }}>
            {rows.slice(view.first, view.first + view.count).map(({ node, depth, open: isOpen }) => (
              <div key={`${node.path} ${node.offset}`} className="json-row" role="treeitem" aria-expanded={node.children.length > 0 ? isOpen : undefined} data-path={node.path} style={{ height: ROW, paddingLeft: depth * 16 }}>
                {node.children.length > 0 ? (
                  <button type="button" className={`json-toggle ${isOpen ? 'open' : ''}`} data-testid="json-toggle" onClick={() => toggle(node.path)} aria-label={isOpen ? `Collapse ${node.path}` : `Expand ${node.path}`} />
                ) : (
                  <span className="json-toggle" />
                )}
                {node.key !== null ? (
                  <span className={typeof node.key === 'number' ? 'json-index' : 'syntax-property'}>
                    <Text text={typeof node.key === 'number' ? String(node.key) : node.key} marker={marker} />
                    {': '}
                  </span>
                ) : null}
                <span className={`json-${node.kind}`}>
                  <Text text={node.text} marker={marker} />
                </span>
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

export function JsonPretty({ text, marker }: { text: string; marker: RegExp | null }) {
  const pretty = useMemo(() => prettyJson(text), [text]);
  const lines = useMemo(() => (pretty.text === null ? null : syntaxLines(pretty.text, 'json')), [pretty]);
  if (!lines) return <NotShown tooLarge={'tooLarge' in pretty ? pretty.tooLarge : undefined} problems={pretty.problems} />;
  const first = marker ? lines.findIndex((l) => markText(l.map((p) => p.text).join(''), marker).some((s) => s.marked)) : -1;
  return <Lines count={lines.length} line={(i) => lines[i]!} marker={marker} target={first >= 0 ? { line: first, nonce: 0 } : null} testId="body-pretty" label="JSON, indented" />;
}
