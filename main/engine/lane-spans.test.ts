// A connection kept alive for thousands of exchanges: each update's connection row carries
// only the spans that may have moved since the last (the exchanges that ended before are
// final), a page that gets the session gets them whole, and both add up to the lane
// derived from scratch.

import { describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../../shared/api';
import { withWholeSpans } from '../../shared/lane-spans';
import { CHUNKED_HEAD, GET, LAST, Playbook, chunk } from '../analysis/test-support/playbook';
import { connectionRow } from './rows';
import { Session } from './session';

const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** A session holding Playbook's connection c1 (opened at 5 s on the session's clock), and a way to take its updates. */
function sessionOf(p: Playbook) {
  const session = new Session('/no/capture/read/here.cscap', 'live', new Date(0).toISOString(), null, null);
  session.opened(p.a, { type: 'open', connection: 1, time: p.a.openedAt, client: p.a.client, mode: 'forward' });
  const update = (): ConnectionRow => {
    session.changed(1);
    const { connections } = session.takeChanges({ now: null }, () => false);
    expect(connections).toHaveLength(1);
    return connections[0]!;
  };
  return { session, update };
}

describe("a connection's lane in updates", () => {
  it('after 2,000 exchanges an update carries only the spans from the first one not final; folded, and as a page that syncs gets them, they equal the whole lane', () => {
    const p = new Playbook({ keepChunks: false, openedAt: 5 });
    const { session, update } = sessionOf(p);
    const sent: ConnectionRow[] = [];
    let t = 5;
    for (let i = 0; i < 2000; i++, t += 0.01) p.client(t, GET).server(t + 0.004, ok);
    sent.push(update());
    expect(sent[0]!.spans).toHaveLength(4000); // the first row of the connection: all of them

    // Request #2001 waits, then its chunked response streams, then ends; #2002 and #2003 follow.
    p.client(t, GET);
    sent.push(update());
    expect(sent[1]).toMatchObject({ spansFrom: 2000, spans: [t, t] });
    p.server(t + 0.002, CHUNKED_HEAD + chunk('abc'));
    sent.push(update());
    expect(sent[2]!.spansFrom).toBe(2000);
    expect(sent[2]!.spans).toHaveLength(2);
    expect(sent[2]!.spans[1]).toBeGreaterThan(t);
    p.server(t + 0.003, LAST);
    p.client(t + 0.01, GET).server(t + 0.011, ok).client(t + 0.02, GET);
    sent.push(update());
    expect(sent[3]!.spansFrom).toBe(2000);
    expect(sent[3]!.spans).toHaveLength(6);
    // Nothing new: from the one still waiting, nothing before it again.
    sent.push(update());
    expect(sent[4]).toMatchObject({ spansFrom: 2002, requests: 2003 });
    expect(sent[4]!.spans).toHaveLength(2);
    p.server(t + 0.021, ok).serverEnds(t + 0.03, 'fin');
    sent.push(update());
    expect(sent[5]).toMatchObject({ spansFrom: 2002, requests: 2003, ended: { who: 'server', how: 'fin' } });

    const whole = connectionRow(p.a, 0, null).spans;
    expect(whole).toHaveLength(2 * 2003);
    let folded: ConnectionRow | undefined;
    for (const row of sent) folded = withWholeSpans(folded, row);
    expect(folded!.spans).toEqual(whole);
    const synced = session.wholeConnections();
    expect(synced).toHaveLength(1);
    expect(synced[0]!.spans).toEqual(whole);
    expect(synced[0]!.spansFrom ?? 0).toBe(0);
    // What the row says besides its spans is the last update's.
    expect({ ...synced[0]!, spans: [], spansFrom: 0 }).toEqual({ ...sent[5]!, spans: [], spansFrom: 0 });
  });

  it('the spans put together in place, many updates at once, equal them put together one at a time; the rows folded are not changed', () => {
    const p = new Playbook({ keepChunks: false });
    const { update } = sessionOf(p);
    const sent: ConnectionRow[] = [];
    for (let i = 0; i < 50; i++) {
      p.client(i, GET);
      sent.push(update());
      p.server(i + 0.5, ok);
    }
    sent.push(update());
    const copies = sent.map((row) => [...row.spans]);
    const lanes = new Set<number[]>();
    let inPlace: ConnectionRow | undefined;
    let oneByOne: ConnectionRow | undefined;
    for (const row of sent) {
      inPlace = withWholeSpans(inPlace, row, lanes);
      oneByOne = withWholeSpans(oneByOne, row);
    }
    expect(inPlace!.spans).toEqual(oneByOne!.spans);
    expect(inPlace!.spans).toEqual(connectionRow(p.a, 0, null).spans);
    expect(sent.map((row) => row.spans)).toEqual(copies);
  });
});
