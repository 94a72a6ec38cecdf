import { describe, expect, it } from 'vitest';
import { headTarget, OwnTraffic } from './own-traffic';

const ui = (origin: { host: string; port: number }) => origin.port === 8999 && ['127.0.0.1', 'localhost'].includes(origin.host);
const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('where a request start asks to go', () => {
  it('reads absolute-form, CONNECT and origin-form with its Host, as the gate does', () => {
    expect(headTarget(bytes('GET http://127.0.0.1:8999/?token=x HTTP/1.1\r\n'))).toEqual({ host: '127.0.0.1', port: 8999 });
    expect(headTarget(bytes('GET http://user:pw@LOCALHOST:8999/ HTTP/1.1\r\n'))).toEqual({ host: 'localhost', port: 8999 });
    expect(headTarget(bytes('\r\nCONNECT localhost:8999 HTTP/1.1\r\n'))).toEqual({ host: 'localhost', port: 8999 });
    expect(headTarget(bytes('GET /?token=x HTTP/1.1\r\nAccept: */*\r\nHost: 127.0.0.1:8999\r\n'))).toEqual({ host: '127.0.0.1', port: 8999 });
    expect(headTarget(bytes('GET http://example.test/ HTTP/1.1\r\n'))).toEqual({ host: 'example.test', port: 80 });
  });

  it('waits for more while the target is not complete, and gives up on what is not a request', () => {
    expect(headTarget(bytes('GET http://127.0.0.1:89'))).toBeNull();
    expect(headTarget(bytes('GET /x HTTP/1.1\r\nAccept: */*\r\nHo'))).toBeNull();
    expect(headTarget(bytes('GET /x HTTP/1.1\r\nAccept: */*\r\n\r\n'))).toBe('unreadable'); // no Host
    expect(headTarget(Buffer.from([0x81, 0xfe, 0x00, 0x10, 1, 2, 3, 4]))).toBe('unreadable'); // a WebSocket frame
    expect(headTarget(bytes('GET ftp://127.0.0.1:8999/ HTTP/1.1\r\n'))).toBe('unreadable');
    expect(headTarget(bytes(`GET /${'a'.repeat(9000)}`))).toBe('unreadable'); // longer than is looked at
  });
});

describe('the reads of a request start', () => {
  it('are held until the target is known, whatever the split, then given back in order with their times', () => {
    const head = 'GET /?token=x HTTP/1.1\r\nHost: localhost:8999\r\n\r\n';
    for (let cut = 1; cut < head.length; cut++) {
      const traffic = new OwnTraffic(ui);
      const first = traffic.push(bytes(head.slice(0, cut)), 1);
      if (first !== null) {
        // Decided by the first read (the Host line is in it): that read alone is held.
        expect(first).toBe('own');
        expect(traffic.take().map((r) => r.bytes.toString('latin1'))).toEqual([head.slice(0, cut)]);
        continue;
      }
      expect(traffic.push(bytes(head.slice(cut)), 2)).toBe('own');
      expect(traffic.take().map((r) => [r.bytes.toString('latin1'), r.time])).toEqual([
        [head.slice(0, cut), 1],
        [head.slice(cut), 2],
      ]);
    }
  });

  it("keep a connection to one kind: its first request decides; another kind later closes it", () => {
    const traffic = new OwnTraffic(ui);
    expect(traffic.step('own', () => true)).toBe('relay');
    expect(traffic.own).toBe(true);
    expect(traffic.step('unreadable', () => true)).toBe('relay'); // WebSocket frames, a tunnel's bytes
    expect(traffic.step('own', () => true)).toBe('relay');
    expect(traffic.step('other', () => true)).toBe('close');
    const other = new OwnTraffic(ui);
    expect(other.step('other', () => true)).toBe('relay');
    expect(other.step('own', () => true)).toBe('close');
  });
});
