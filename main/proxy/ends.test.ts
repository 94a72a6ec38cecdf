// The end mirror as playbooks: events in, commands out (mitmproxy's Playbook style).
// mirror.test.ts is the end-to-end proof with real sockets; these say why.

import { describe, expect, it } from 'vitest';
import { EndMirror, type EndCommand } from './ends';

/** A mirror with the origin connected. */
function connected(): EndMirror {
  const m = new EndMirror();
  m.connecting();
  m.connected();
  return m;
}

const short = (commands: EndCommand[]) =>
  commands.map((c) => (c.do === 'record' ? `record ${c.side} ${c.kind} by ${c.by}` : c.do === 'end' ? `end ${c.side} ${c.how}` : c.do === 'finished' ? 'finished' : `${c.do} ${c.side}`));

describe('the end mirror', () => {
  it('a half-close from the client goes to the origin, which may go on sending', () => {
    const m = connected();
    expect(short(m.peerEnded('client', 'fin'))).toEqual(['record client fin by peer', 'end upstream fin', 'record upstream fin by proxy']);
    expect(m.client.canRead).toBe(false);
    expect(m.client.canWrite).toBe(true); // the response still reaches the client
    expect(m.upstream.canRead).toBe(true);
    expect(short(m.peerEnded('upstream', 'fin'))).toEqual(['record upstream fin by peer', 'end client fin', 'record client fin by proxy']);
    expect(short(m.closed('client'))).toEqual([]);
    expect(short(m.closed('upstream'))).toEqual(['finished']);
  });

  it('a half-close from the origin goes to the client, which may go on sending', () => {
    const m = connected();
    expect(short(m.peerEnded('upstream', 'fin'))).toEqual(['record upstream fin by peer', 'end client fin', 'record client fin by proxy']);
    expect(m.upstream.canWrite).toBe(true); // the client's next bytes still go to the origin
    expect(short(m.peerEnded('client', 'fin'))).toEqual(['record client fin by peer', 'end upstream fin', 'record upstream fin by proxy']);
  });

  it('an RST with bytes still queued: the other side is reset once they are flushed, then recorded', () => {
    const m = connected();
    expect(short(m.peerReset('upstream', 'rst', null))).toEqual(['record upstream rst by peer', 'destroy upstream', 'reset client']);
    expect(short(m.resetSent('client'))).toEqual(['record client rst by proxy', 'finished']);
  });

  it('a FIN from the client while the origin connects is passed on once it connected and got what came before', () => {
    const m = new EndMirror();
    m.connecting();
    expect(short(m.peerEnded('client', 'fin'))).toEqual(['record client fin by peer']);
    expect(short(m.connected())).toEqual(['end upstream fin', 'record upstream fin by proxy']);
  });

  it('a FIN from the client with no origin to tell (no request yet): its side ends too', () => {
    const m = new EndMirror();
    expect(short(m.peerEnded('client', 'fin'))).toEqual(['record client fin by peer', 'end client fin', 'record client fin by proxy']);
    expect(short(m.closed('client'))).toEqual(['finished']);
  });

  it('an RST after a FIN: the reset still goes through, each recorded once', () => {
    const m = connected();
    m.peerEnded('upstream', 'fin');
    expect(short(m.peerReset('upstream', 'rst', null))).toEqual(['record upstream rst by peer', 'destroy upstream', 'reset client']);
    expect(short(m.peerReset('upstream', 'rst', null))).toEqual([]);
  });

  it('inside TLS: close_notify stays close_notify, a bare FIN stays a bare FIN', () => {
    const notify = connected();
    expect(short(notify.peerEnded('upstream', 'close-notify'))).toEqual(['record upstream close-notify by peer', 'end client close-notify', 'record client close-notify by proxy']);
    const bare = connected();
    expect(short(bare.peerEnded('upstream', 'fin'))).toEqual(['record upstream fin by peer', 'end client fin', 'record client fin by proxy']);
  });

  it('with rules, the origin\'s end waits for the response queue: the rules end the client\'s side', () => {
    const m = connected();
    expect(short(m.peerEnded('upstream', 'fin', false))).toEqual(['record upstream fin by peer']);
    expect(short(m.end('client', 'fin'))).toEqual(['end client fin', 'record client fin by proxy']);
    expect(short(m.end('client', 'fin'))).toEqual([]); // once
  });

  it("with rules, the client's end waits for the request queue (a request held at a breakpoint): the rules pass it on", () => {
    const m = connected();
    expect(short(m.peerEnded('client', 'fin', false))).toEqual(['record client fin by peer']);
    expect(m.upstream.canWrite).toBe(true); // the held body still goes to the origin
    expect(short(m.toOrigin('fin'))).toEqual(['end upstream fin', 'record upstream fin by proxy']);
    const connecting = new EndMirror();
    connecting.connecting();
    connecting.peerEnded('client', 'fin', false);
    expect(short(connecting.toOrigin('fin'))).toEqual([]); // once connected, after what was queued
    expect(short(connecting.connected())).toEqual(['end upstream fin', 'record upstream fin by proxy']);
  });

  it('the client leaves while the origin connects: that connection is let go', () => {
    const m = new EndMirror();
    m.connecting();
    expect(short(m.closed('client'))).toEqual(['destroy upstream', 'finished']);
  });

  it('an origin that cannot be reached: the answer made here ends the client\'s side', () => {
    const m = new EndMirror();
    m.connecting();
    expect(short(m.connectFailed())).toEqual([]);
    expect(short(m.answered())).toEqual(['end client fin', 'record client fin by proxy']);
    expect(short(m.closed('client'))).toEqual(['finished']);
  });

  it('shutting down records what is open as open', () => {
    const m = connected();
    expect(short(m.shutdown())).toEqual(['record client open by peer', 'record upstream open by peer', 'destroy upstream']);
  });
});
