import { describe, expect, it } from 'vitest';
import { Http1Parser } from '../http1';
import { ForwardGate, parseAuthority, type GateCommand } from './forward-gate';

function run(pieces: string[]): GateCommand[] {
  const parser = new Http1Parser('request');
  const gate = new ForwardGate();
  const commands: GateCommand[] = [];
  let base = 0;
  for (const text of pieces) {
    const bytes = Buffer.from(text, 'latin1');
    commands.push(...gate.push(bytes, base, parser.feed(bytes)));
    base += bytes.length;
  }
  return commands;
}

const sent = (c: GateCommand) => ('bytes' in c ? Buffer.concat(c.bytes).toString('latin1') : c.kind === 'reject' ? Buffer.concat(c.held).toString('latin1') : '');

describe('the forward gate', () => {
  it('rewrites an absolute-form target to origin-form, and only that', () => {
    const [command] = run(['GET http://example.test:8080/feed?x=1 HTTP/1.1\r\nHost: example.test:8080\r\n\r\n']);
    expect(command).toMatchObject({ kind: 'send', origin: { host: 'example.test', port: 8080 }, rewrite: { offset: 4, length: 33, replacement: '/feed?x=1' } }); // 'http://example.test:8080/feed?x=1'
    expect(sent(command!)).toBe('GET /feed?x=1 HTTP/1.1\r\nHost: example.test:8080\r\n\r\n');
  });

  it('holds a head that arrives in pieces, and streams the body after it', () => {
    const commands = run(['POST http://a.test/up HT', 'TP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n', 'data\r\n0\r\n\r\n']);
    expect(commands.map((c) => c.kind)).toEqual(['send', 'pass', 'pass']);
    expect(sent(commands[0]!)).toBe('POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(commands.slice(1).map(sent).join('')).toBe('4\r\ndata\r\n0\r\n\r\n');
  });

  it('reads authorities: default port, IPv6, user info dropped', () => {
    expect(parseAuthority('example.test', 80)).toEqual({ host: 'example.test', port: 80 });
    expect(parseAuthority('[::1]:8080', 80)).toEqual({ host: '::1', port: 8080 });
    expect(parseAuthority('example.test:99999', 80)).toBeNull();
    const [command] = run(['GET http://user:pw@example.test/ HTTP/1.1\r\n\r\n']);
    expect(command).toMatchObject({ origin: { host: 'example.test', port: 80 } });
  });

  it('goes where Host says for an origin-form target, without a rewrite', () => {
    const [command] = run(['GET /x HTTP/1.1\r\nHost: b.test:81\r\n\r\n']);
    expect(command).toMatchObject({ kind: 'send', origin: { host: 'b.test', port: 81 }, rewrite: null });
  });

  it('answers what it cannot relay: https:// targets, no host, an unreadable head', () => {
    expect(run(['GET https://a.test/ HTTP/1.1\r\n\r\n'])[0]).toMatchObject({ kind: 'reject', status: 501 });
    expect(run(['GET /x HTTP/1.1\r\n\r\n'])[0]).toMatchObject({ kind: 'reject', status: 400, reason: expect.stringContaining('forward proxy') });
    const [bad] = run(['GET  /x HTTP/1.1\r\n\r\n']);
    expect(bad).toMatchObject({ kind: 'reject', status: 400, reason: expect.stringContaining('could not read this request') });
    expect(sent(bad!)).toBe('GET  /x HTTP/1.1\r\n\r\n'); // all of it, unsent
  });

  it('opens a tunnel for CONNECT; bytes after the head belong to it', () => {
    const commands = run(['CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n\x16\x03\x01']);
    expect(commands.map((c) => c.kind)).toEqual(['tunnel', 'pass']);
    expect(commands[0]).toMatchObject({ origin: { host: 'a.test', port: 443 }, target: 'a.test:443' });
    expect(sent(commands[1]!)).toBe('\x16\x03\x01');
  });
});
