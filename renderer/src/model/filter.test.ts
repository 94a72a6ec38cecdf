import { describe, expect, it } from 'vitest';
import { CONNECTION_FINDINGS } from '../../../shared/anomalies';
import { ruleApplies, parseRule, isRule } from '../../../shared/rules';
import { row } from '../test-support/rows';
import { KEYS, WORDS } from './filter-keys';
import { filterHelp, filterHelpText, parseFilter } from './filter';

const rows = [
  row({ connection: 1, host: 'feeds.example.test', path: '/news.xml', terminator: 'missing', state: 'incomplete', ended: { how: 'fin', who: 'server', truncation: false, at: 1 }, anomalies: { count: 1, errors: 1, codes: ['missing-terminator'] } }),
  row({ connection: 2, method: 'POST', host: 'api.example.test:8443', path: '/items?page=2', status: 500, framing: 'content-length', terminator: 'none', ended: { how: 'rst', who: 'server', truncation: false, at: 2 } }),
  row({ connection: 3, host: 'cdn.example.test', path: '/big.bin', status: 404, framing: 'close-delimited', terminator: 'none', anomalies: { count: 1, errors: 0, codes: ['chunk-ext-bws'] } }),
  row({ connection: 4, path: '/live', state: 'streaming', terminator: 'streaming', stalled: { seconds: 12.3, ongoing: true }, anomalies: { count: 1, errors: 1, codes: ['bare-lf'] } }),
  row({ connection: 5, host: '[::1]:9001', path: '/API/v2', requestFraming: 'chunked', status: null, state: 'incomplete', ended: { how: 'rst', who: 'server', truncation: false, at: 5 }, anomalies: { count: 1, errors: 1, codes: ['closed-early'] } }),
  row({ connection: 6, host: 'slow.example.test', path: '/feed', stalled: { seconds: 3, ongoing: false }, ended: { how: 'fin', who: 'client', truncation: false, at: 6 }, anomalies: { count: 2, errors: 2, codes: ['client-gave-up', 'host-conflict'] } }),
];
const matching = (filter: string) => rows.filter(parseFilter(filter).test).map((r) => r.connection);
const errors = (filter: string) => parseFilter(filter).errors;

describe('the filter: keys and words', () => {
  it('finds your pins and comments: pinned, commented, comment:text and comment:glob', () => {
    const marked = [
      row({ connection: 1, mark: { pinned: true, comment: '' } }),
      row({ connection: 2, mark: { pinned: false, comment: 'Retry after the RST' } }),
      row({ connection: 3, mark: { pinned: true, comment: 'the IIS 6 one' } }),
      row({ connection: 4 }),
    ];
    const among = (filter: string) => marked.filter(parseFilter(filter).test).map((r) => r.connection);
    expect(among('pinned')).toEqual([1, 3]);
    expect(among('-pinned')).toEqual([2, 4]);
    expect(among('commented')).toEqual([2, 3]);
    expect(among('comment:retry')).toEqual([2]);
    expect(among('comment:"iis 6"')).toEqual([3]);
    expect(among('comment:the*')).toEqual([3]);
    expect(among('comment:*rst')).toEqual([2]);
    expect(among('pinned OR comment:retry')).toEqual([1, 2, 3]);
    expect(parseFilter('pinned comment:x').errors).toEqual([]);
  });

  it('understands host, method, status, framing and connections', () => {
    expect(matching('host:api')).toEqual([2]);
    expect(matching('method:post')).toEqual([2]);
    expect(matching('status:404')).toEqual([3]);
    expect(matching('status:5xx')).toEqual([2]);
    expect(matching('status:>=404')).toEqual([2, 3]);
    expect(matching('framing:chunked')).toEqual([1, 4, 5, 6]);
    expect(matching('req:chunked')).toEqual([5]);
    expect(matching('conn:3')).toEqual([3]);
    expect(matching('conn:c3')).toEqual([3]);
    expect(matching('c2')).toEqual([2]);
  });

  it('understands missing-terminator, rst, any anomaly code, states and free text', () => {
    expect(matching('missing-terminator')).toEqual([1]);
    expect(matching('missing')).toEqual([1]);
    expect(matching('rst')).toEqual([2, 5]);
    expect(matching('fin')).toEqual([1, 6]);
    expect(matching('bare-lf')).toEqual([4]);
    expect(matching('code:chunk-ext-bws')).toEqual([3]);
    expect(matching('stalled')).toEqual([4, 6]);
    expect(matching('error')).toEqual([1, 4, 5, 6]);
    expect(matching('big.bin')).toEqual([3]);
    expect(matching('NEWS')).toEqual([1]);
    expect(matching('"example.test/feed"')).toEqual([6]);
    expect(matching('localhost:8080')).toEqual([]); // a host:port is free text, not a key
  });

  it('globs in host: and path: as rules read them; plain text stays a substring', () => {
    expect(matching('host:*.example.test')).toEqual([1, 2, 3, 4, 6]); // with or without the port
    expect(matching('host:api.example.test')).toEqual([2]);
    expect(matching('host:::1')).toEqual([5]);
    expect(matching('host:?dn.*')).toEqual([3]);
    expect(matching('path:/items')).toEqual([2]); // the query is left out
    expect(matching('path:/api/*')).toEqual([]); // a glob keeps case, as in rules
    expect(matching('path:/API/*')).toEqual([5]);
    expect(matching('path:/api')).toEqual([5]); // a substring, in any case
    // The same glob and the same request decide a rule the same way.
    const rule = parseRule('drop-last-chunk host:*.example.test path:/items');
    expect(isRule(rule) && ruleApplies(rule, { method: 'POST', host: 'api.example.test:8443', path: '/items' })).toBe(true);
  });

  it('has a key or a word for each finding of the diagnosis', () => {
    expect(matching('unanswered')).toEqual([5]);
    expect(matching('gave-up')).toEqual([6]);
    expect(matching('finding:gave-up')).toEqual([6]);
    expect(matching('finding:unanswered')).toEqual([5]);
    expect(matching('host-conflict')).toEqual([6]);
    expect(matching('finding')).toEqual([5, 6]);
    for (const code of CONNECTION_FINDINGS) expect(parseFilter(`finding:${code}`).errors, code).toEqual([]);
    expect(matching('stalled:>=5')).toEqual([4]);
    expect(matching('stalled:>3')).toEqual([4]);
    expect(matching('ended:server-rst')).toEqual([2, 5]);
    expect(matching('ended:client')).toEqual([6]);
  });
});

describe('the filter: OR, NOT and parentheses', () => {
  it('combines terms: all of them, OR, NOT and -, groups', () => {
    expect(matching('framing:chunked -stalled')).toEqual([1, 5]);
    expect(matching('framing:chunked NOT stalled')).toEqual([1, 5]);
    expect(matching('status:404 OR status:5xx')).toEqual([2, 3]);
    expect(matching('status:404 or rst')).toEqual([2, 3, 5]);
    expect(matching('rst | bare-lf')).toEqual([2, 4, 5]);
    expect(matching('fin (gave-up OR missing)')).toEqual([1, 6]);
    expect(matching('-(rst OR fin)')).toEqual([3, 4]);
    expect(matching('(rst) stalled OR c3')).toEqual([3]);
    expect(matching('rst AND host:*.example.test')).toEqual([2]);
    expect(matching('')).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('the filter: WebSockets and launched clients', () => {
  const tagged = [
    row({ connection: 1, path: '/chat', status: 101, webSocket: { messages: 4, client: 2, server: 2, closed: true } }),
    row({ connection: 2, path: '/feed', clientTag: { launched: 'run', tag: 'curl -sS http://feeds.test/feed' } }),
    row({ connection: 3, path: '/', clientTag: { launched: 'browser', tag: 'Chromium' } }),
    row({ connection: 4, path: '/no-terminator', clientTag: { launched: 'probe', tag: 'wget -q -O - {url}' }, webSocket: null }),
    row({ connection: 5, path: '/plain' }),
  ];
  const among = (filter: string) => tagged.filter(parseFilter(filter).test).map((r) => r.connection);

  it('websocket (or ws) finds the exchanges whose 101 began a WebSocket', () => {
    expect(among('websocket')).toEqual([1]);
    expect(among('ws')).toEqual([1]);
    expect(among('-ws')).toEqual([2, 3, 4, 5]);
    expect(among('WS OR client:probe')).toEqual([1, 4]);
  });

  it('client: finds a launched client by its command line or browser name, or by how it was launched', () => {
    expect(among('client:curl')).toEqual([2]);
    expect(among('client:chromium')).toEqual([3]);
    expect(among('client:browser')).toEqual([3]);
    expect(among('client:probe')).toEqual([4]);
    expect(among('client:run')).toEqual([2]); // the launch, not "run" inside a command line
    expect(among('client:"-sS http"')).toEqual([2]);
    expect(among('launched')).toEqual([2, 3, 4]);
    expect(among('-launched')).toEqual([1, 5]);
    expect(errors('client:')[0]).toMatchObject({ message: 'client: needs a value, as in client:curl (at character 1)' });
  });
});

describe('the filter: errors, with where they are', () => {
  it('an unknown key lists the keys, as a bad status does', () => {
    expect(errors('rst bogus:thing')).toEqual([
      { message: '"bogus" is not a filter key (at character 5): the keys are host: path: method: status: framing: req: conn: code: finding: ended: comment: stalled: client:', offset: 4, length: 11 },
    ]);
    expect(parseFilter('status:abc code:not-a-code conn:x').problems).toEqual([
      'status:abc is not a status (try 404, 4xx, >=400) (at character 1)',
      'not-a-code is not an anomaly code (at character 12)',
      'conn:x is not a connection number (at character 28)',
    ]);
    expect(errors('framing:chunky')[0]!.message).toBe('framing:chunky is not a framing (chunked, content-length, close-delimited, none, unknown) (at character 1)');
    expect(errors('finding:slow')[0]!.message).toMatch(/^finding:slow is not a finding \(unanswered, gave-up, aborted, closed-early, client-gave-up/);
    expect(errors('stalled:long')[0]).toMatchObject({ message: 'stalled:long is not a number of seconds (try stalled:>=5) (at character 1)', offset: 0 });
    expect(errors('host:')[0]).toMatchObject({ message: 'host: needs a value, as in host:*.example.com (at character 1)', offset: 0, length: 5 });
  });

  it('the structure: parentheses, OR and NOT with nothing to work on, an open quote', () => {
    expect(errors('(rst OR fin')).toEqual([{ message: 'the ( at character 1 is never closed: add a ) after it', offset: 0, length: 1 }]);
    expect(errors('rst) fin')).toEqual([{ message: 'the ) at character 4 has no ( before it', offset: 3, length: 1 }]);
    expect(errors('OR rst')).toEqual([{ message: 'OR at character 1 has nothing before it', offset: 0, length: 2 }]);
    expect(errors('rst OR')).toEqual([{ message: 'OR at character 5 has nothing after it', offset: 4, length: 2 }]);
    expect(errors('rst OR OR fin')).toEqual([{ message: 'OR at character 5 has nothing after it', offset: 4, length: 2 }]);
    expect(errors('(OR rst)')[0]!.offset).toBe(1);
    expect(errors('stalled NOT')).toEqual([{ message: 'NOT at character 9 negates nothing: put a term after it, as in -stalled', offset: 8, length: 3 }]);
    expect(errors('rst ()')).toEqual([{ message: '() at character 5 holds nothing', offset: 4, length: 2 }]);
    expect(errors('"unclosed text')).toEqual([{ message: 'the quote at character 1 is never closed: add a " after the text', offset: 0, length: 14 }]);
    expect(errors('path:"/a b')[0]).toMatchObject({ offset: 5 });
    // A term in error is left out, the rest applies meanwhile; an OR after one is not "after nothing".
    expect(matching('bogus:x OR rst')).toEqual([2, 5]);
    expect(matching('bogus:x')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(errors('bogus:x OR rst')).toHaveLength(1);
    expect(matching('rst (fin')).toEqual([]);
  });

  it('a value in quotes, and a path with parentheses, are read whole', () => {
    expect(matching('host:"api.example.test:8443"')).toEqual([2]);
    expect(errors('path:/a(b)c')).toEqual([]);
    expect(matching('(path:/live)')).toEqual([4]);
  });
});

describe('the filter help', () => {
  it('lists every key and word, each with an example that reads without error', () => {
    const help = filterHelp();
    for (const key of KEYS) expect(help.some((h) => h.term.startsWith(`${key.key}:`)), key.key).toBe(true);
    for (const word of WORDS) expect(help.some((h) => h.example === word.word && h.term.startsWith(word.word)), word.word).toBe(true);
    expect(help.find((h) => h.example === 'websocket')?.term).toBe('websocket (or ws)');
    for (const entry of help) expect(parseFilter(entry.example).errors, entry.example).toEqual([]);
    expect(help.find((h) => h.term === 'OR')).toMatchObject({ example: 'status:5xx OR rst' });
    expect(filterHelpText()).toMatch(/^host:\*\.example\.com +the host: with \* or \? a glob/m);
  });
});
