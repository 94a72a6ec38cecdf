// What the two ends may read differently, found as messages complete.

import { describe, expect, it } from 'vitest';
import { isErrorAnomaly } from '../../shared/anomalies';
import { exchangeAccount } from './account';
import { Playbook } from './test-support/playbook';

const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const codes = (p: Playbook, direction: 'request' | 'response') => [...p.a.messages(direction)].flatMap((m) => m.anomalies.map((a) => a.code));

describe('Host', () => {
  it('two Host fields: a finding on the request, an error', () => {
    const p = new Playbook().client(0, 'GET /a HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n').server(0.1, ok);
    const [finding] = p.a.messages('request').at(0)!.anomalies;
    expect(finding).toMatchObject({ code: 'host-conflict', offset: 0 });
    expect(finding!.message).toBe('the request has 2 Host fields ("a.example", "b.example"): a server must answer 400, and servers and proxies that pick different ones send it to different places (RFC 9112 §3.2)');
    expect(isErrorAnomaly(finding!.cls, 'request')).toBe(true);
  });

  it('a Host finding does not stand for how the exchange ended, and shows on a complete one', () => {
    const lost = new Playbook().client(0, 'GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n').serverEnds(1, 'rst');
    expect(exchangeAccount(lost.a, 0, null).headline).toMatch(/^no response: the server reset the connection \(RST\) before answering any request/);
    const answered = new Playbook().client(0, 'GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n').server(0.1, ok);
    expect(exchangeAccount(answered.a, 0, null).headline).toMatch(/^complete, but: the target names a\.example but Host says "b\.example"/);
  });

  it('an absolute-form target and a Host that names another server; the same server with its default port is fine', () => {
    const p = new Playbook().client(0, 'GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n').server(0.1, ok);
    expect(p.a.messages('request').at(0)!.anomalies[0]!.message).toBe('the target names a.example but Host says "b.example": a proxy must go by the target, a server that reads Host instead sends it elsewhere (RFC 9112 §3.2.2)');
    const same = new Playbook().client(0, 'GET http://a.example:80/x HTTP/1.1\r\nHost: A.example\r\n\r\n').server(0.1, ok);
    expect(codes(same, 'request')).toEqual([]);
  });
});

describe('Upgrade', () => {
  it('a 101 to a request that asked for none: said, and what follows is a tunnel', () => {
    const p = new Playbook().client(0, 'GET /chat HTTP/1.1\r\nHost: a\r\n\r\n').server(0.1, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    p.client(0.2, 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(codes(p, 'response')).toEqual(['unrequested-upgrade']);
    expect(p.a.messages('request')).toHaveLength(1); // the later bytes are the tunnel's
  });

  it('a declined Upgrade with a request pipelined behind it: the two ends may disagree', () => {
    const upgrade = 'GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const p = new Playbook().client(0, `${upgrade}GET /after HTTP/1.1\r\nHost: a\r\n\r\n`).server(0.1, ok).server(0.2, ok);
    expect(codes(p, 'request')).toEqual(['request-after-upgrade']);
    expect(p.a.messages('request').at(1)!.anomalies[0]!.message).toMatch(/^request #2 was sent behind request #1's Upgrade before the server answered it: .*this one answered 200.*request smuggling shape, RFC 9110 §7\.8\)$/);
    // Sent after the answer, it is an ordinary next request.
    const after = new Playbook().client(0, upgrade).server(0.1, ok).client(0.2, 'GET /after HTTP/1.1\r\nHost: a\r\n\r\n').server(0.3, ok);
    expect(codes(after, 'request')).toEqual([]);
  });
});
