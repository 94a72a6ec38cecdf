import { describe, expect, it } from 'vitest';
import type { SearchMatch, SearchUpdate } from '../../../shared/search';
import { byteMarks, DEFAULT_SEARCH_OPTIONS, foldUpdates, markText, searchArgs, startedRun, stepMatch, textMarker } from './search';

const match = (id: string, offset: number, extra: Partial<SearchMatch> = {}): SearchMatch => ({
  id,
  direction: 'response',
  part: 'body',
  form: 'decoded',
  offset,
  length: 6,
  streamOffset: null,
  context: { before: '', match: 'needle', after: '' },
  ...extra,
});

const update = (id: string, matches: SearchMatch[], extra: Partial<SearchUpdate> = {}): SearchUpdate => ({
  id,
  matches,
  state: 'running',
  progress: { done: 10, total: 100 },
  exchanges: 1,
  matchCount: matches.length,
  limited: null,
  error: null,
  notes: [],
  ...extra,
});

describe('the search options', () => {
  it('ask for the parts and forms chosen, in the mode chosen', () => {
    expect(searchArgs('Needle', DEFAULT_SEARCH_OPTIONS)).toEqual({ args: { query: 'Needle', mode: 'text', scope: { parts: ['request-headers', 'response-headers', 'request-body', 'response-body'], forms: ['sent', 'decoded'] } } });
    expect(searchArgs('Needle', { ...DEFAULT_SEARCH_OPTIONS, headers: false, sent: false, matchCase: true })).toEqual({ args: { query: 'Needle', mode: 'case-sensitive', scope: { parts: ['request-body', 'response-body'], forms: ['decoded'] } } });
  });

  it('a regular expression in any case is given the i flag; one written /like this/ keeps its own', () => {
    expect(searchArgs('id=\\d+', { ...DEFAULT_SEARCH_OPTIONS, regex: true })).toMatchObject({ args: { query: '/id=\\d+/i', mode: 'regex' } });
    expect(searchArgs('id=\\d+', { ...DEFAULT_SEARCH_OPTIONS, regex: true, matchCase: true })).toMatchObject({ args: { query: 'id=\\d+', mode: 'regex' } });
    expect(searchArgs('/id=\\d+/s', { ...DEFAULT_SEARCH_OPTIONS, regex: true })).toMatchObject({ args: { query: '/id=\\d+/s' } });
  });

  it('says why nothing would be searched', () => {
    expect(searchArgs('  ', DEFAULT_SEARCH_OPTIONS)).toEqual({ problem: 'type something to find' });
    expect(searchArgs('x', { ...DEFAULT_SEARCH_OPTIONS, headers: false, bodies: false })).toEqual({ problem: 'choose headers, bodies or both' });
    expect(searchArgs('x', { ...DEFAULT_SEARCH_OPTIONS, sent: false, decoded: false })).toEqual({ problem: 'choose bodies as sent, decoded or both' });
  });
});

describe('a search run', () => {
  const args = { query: 'needle', mode: 'text' as const };

  it('folds its own updates, keeping each exchange’s matches, and leaves other searches’ out', () => {
    const run = foldUpdates(startedRun('s2', args, 100), [update('s1', [match('9:0', 1)]), update('s2', [match('1:0', 5), match('3:0', 7)]), update('s2', [match('1:0', 50)], { state: 'done', progress: { done: 100, total: 100 }, exchanges: 2, matchCount: 3 })]);
    expect(run).toMatchObject({ state: 'done', matchCount: 3, exchanges: 2, progress: { done: 100, total: 100 } });
    expect(run.matches.map((m) => m.offset)).toEqual([5, 7, 50]);
    expect(run.byExchange.get('1:0')!.map((m) => m.offset)).toEqual([5, 50]);
    expect(run.byExchange.has('9:0')).toBe(false);
  });

  it('steps through the matches in the order of the list, round again at the end', () => {
    const run = foldUpdates(startedRun('s1', args, 100), [update('s1', [match('1:0', 5), match('1:0', 50), match('3:0', 7)])]);
    const order = ['3:0', '2:0', '1:0'];
    const first = stepMatch(run, order, null, 1)!;
    expect([first.id, first.offset]).toEqual(['3:0', 7]);
    const second = stepMatch(run, order, first, 1)!;
    expect([second.id, second.offset]).toEqual(['1:0', 5]);
    expect(stepMatch(run, order, stepMatch(run, order, second, 1), 1)).toEqual(first);
    expect(stepMatch(run, order, first, -1)!.offset).toBe(50);
    // Filtered out of the list: not stepped to.
    expect(stepMatch(run, ['2:0'], null, 1)).toBe(null);
  });
});

describe('marks', () => {
  it('byte ranges of the matches in one place', () => {
    const matches = [match('1:0', 10), match('1:0', 100, { form: 'sent' }), match('1:0', 3, { part: 'headers', form: 'sent', direction: 'request' })];
    expect(byteMarks(matches, { direction: 'response', part: 'body', form: 'decoded' }, 0, 64)).toEqual([[10, 16]]);
    expect(byteMarks(matches, { direction: 'response', part: 'body', form: 'decoded' }, 16, 64)).toEqual([]);
    expect(byteMarks(matches, { direction: 'request', part: 'headers', form: 'sent' }, 0, 64)).toEqual([[3, 9]]);
  });

  it('text marks: the query for a text search, in any case unless asked', () => {
    expect(markText('a Needle, a needle.', textMarker({ query: 'needle', mode: 'text' }, []))).toEqual([
      { text: 'a ', marked: false },
      { text: 'Needle', marked: true },
      { text: ', a ', marked: false },
      { text: 'needle', marked: true },
      { text: '.', marked: false },
    ]);
    expect(markText('Needle needle', textMarker({ query: 'needle', mode: 'case-sensitive' }, [])).filter((s) => s.marked).map((s) => s.text)).toEqual(['needle']);
    expect(markText('a.b', textMarker({ query: '.', mode: 'text' }, [])).filter((s) => s.marked)).toHaveLength(1);
  });

  it('a regular expression marks the texts it matched, literally, never running itself over the page', () => {
    const marker = textMarker({ query: '(a+)+$', mode: 'regex' }, [match('1:0', 0, { context: { before: '', match: 'id=42', after: '' } }), match('1:0', 9, { context: { before: '', match: 'id=7', after: '' } })]);
    expect(markText('{id=42,id=7,id=8}', marker).filter((s) => s.marked).map((s) => s.text)).toEqual(['id=42', 'id=7']);
    expect(textMarker({ query: 'x', mode: 'regex' }, [])).toBe(null);
  });
});
