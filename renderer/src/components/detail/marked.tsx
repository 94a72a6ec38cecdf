// A search's marks in the text of the Stream view's items.
import { useMemo } from 'react';
import { useApp } from '../../context';
import { markText, textMarker } from '../../model/search';

/** Text with a search's marks. */
export function MarkedText({ text, marker }: { text: string; marker: RegExp | null }) {
  return (
    <>
      {markText(text, marker).map((s, i) => (s.marked ? <mark key={i}>{s.text}</mark> : s.text))}
    </>
  );
}

/** What a search found in this exchange's response body, to mark in its items. */
export function useStreamMarker(id: string): RegExp | null {
  const run = useApp((s) => s.searchRun);
  const matches = run?.byExchange.get(id);
  return useMemo(() => {
    const inBody = (matches ?? []).filter((m) => m.direction === 'response' && m.part === 'body');
    return run && inBody.length > 0 ? textMarker(run, inBody) : null;
  }, [run, matches]);
}

