import { describe, expect, it } from 'vitest';
import { row } from '../test-support/rows';
import { parseFilter } from './filter';
import { kindsOf } from './raw';

const rows = [
  row({ connection: 1, host: 'feeds.example.test', path: '/news.xml', terminator: 'missing', state: 'incomplete', ended: { how: 'fin', who: 'server', truncation: false, at: 1 }, anomalies: { count: 1, errors: 1, codes: ['missing-terminator'] } }),
  row({ connection: 2, method: 'POST', host: 'api.example.test', path: '/items', status: 500, framing: 'content-length', terminator: 'none', ended: { how: 'rst', who: 'server', truncation: false, at: 2 } }),
  row({ connection: 3, host: 'cdn.example.test', path: '/big.bin', status: 404, framing: 'close-delimited', terminator: 'none', anomalies: { count: 1, errors: 0, codes: ['chunk-ext-bws'] } }),
  row({ connection: 4, path: '/live', state: 'streaming', terminator: 'streaming', stalled: { seconds: 12.3, ongoing: true }, anomalies: { count: 1, errors: 1, codes: ['bare-lf'] } }),
];
const matching = (filter: string) => rows.filter(parseFilter(filter).test).map((r) => r.connection);

describe('the filter box', () => {
  it('understands host, method, status, framing and connections', () => {
    expect(matching('host:api')).toEqual([2]);
    expect(matching('method:post')).toEqual([2]);
    expect(matching('status:404')).toEqual([3]);
    expect(matching('status:5xx')).toEqual([2]);
    expect(matching('status:>=404')).toEqual([2, 3]);
    expect(matching('framing:chunked')).toEqual([1, 4]);
    expect(matching('conn:3')).toEqual([3]);
    expect(matching('c2')).toEqual([2]);
  });

  it('understands missing-terminator, rst, any anomaly code, states and free text', () => {
    expect(matching('missing-terminator')).toEqual([1]);
    expect(matching('rst')).toEqual([2]);
    expect(matching('fin')).toEqual([1]);
    expect(matching('bare-lf')).toEqual([4]);
    expect(matching('code:chunk-ext-bws')).toEqual([3]);
    expect(matching('stalled')).toEqual([4]);
    expect(matching('error')).toEqual([1, 4]);
    expect(matching('big.bin')).toEqual([3]);
    expect(matching('NEWS')).toEqual([1]);
  });

  it('combines terms, negates with "-", and says which terms it cannot read', () => {
    expect(matching('framing:chunked -stalled')).toEqual([1]);
    expect(matching('')).toEqual([1, 2, 3, 4]);
    expect(parseFilter('status:abc code:not-a-code conn:x').problems).toEqual([
      'status:abc is not a status (try 404, 4xx, >=400)',
      'not-a-code is not an anomaly code',
      'conn:x is not a connection number',
    ]);
  });
});

describe('the raw view', () => {
  it('gives each byte the kind of the span it is in', () => {
    const kinds = kindsOf(
      [
        { offset: 0, length: 3, kind: 'head' },
        { offset: 3, length: 2, kind: 'size-line' },
        { offset: 6, length: 2, kind: 'data' },
      ],
      2,
      8,
    );
    expect(kinds).toEqual(['head', 'size-line', 'size-line', 'unknown', 'data', 'data']);
  });
});
