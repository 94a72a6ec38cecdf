// Where a request goes, and what the two ends may read differently: a Host that is not
// one (RFC 9112 §3.2), a 101 that answered no Upgrade (RFC 9110 §15.2.2), a request sent
// behind an Upgrade before the answer (RFC 9110 §7.8). Found by the connection's
// analysis as messages complete; anomalies of the message they concern.

import { ANOMALIES, type AnomalyCode } from '../../shared/anomalies';
import type { AnomalyEvent } from '../../shared/http1';
import type { MessageRecord } from '../../shared/ledger';
import type { MessageLog } from '../http1/message-log';
import { printable } from '../../shared/printable';

function values(m: MessageRecord, name: string): string[] {
  return m.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
}

function anomaly(message: MessageRecord, code: AnomalyCode, offset: number, text: string): AnomalyEvent {
  return { type: 'anomaly', message: message.index, offset, code, cls: ANOMALIES[code].cls, text };
}

/** "host:port" of an absolute-form target, lower-cased; null for the other forms. */
function authorityOf(target: string): string | null {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(target);
  return match ? match[1]!.replace(/^[^@]*@/, '').toLowerCase() : null;
}

function sameAuthority(a: string, b: string, scheme: string): boolean {
  const port = scheme === 'https' ? ':443' : ':80';
  const plain = (x: string) => (x.endsWith(port) ? x.slice(0, -port.length) : x);
  return plain(a.toLowerCase()) === plain(b.toLowerCase());
}

/** A request's head is whole: more than one Host, or a Host that names another server than its target. */
export function hostFinding(request: MessageRecord): AnomalyEvent | null {
  if (!request.request || request.request.method === 'CONNECT') return null;
  const hosts = values(request, 'host');
  const at = request.offset;
  if (hosts.length > 1) {
    return anomaly(request, 'host-conflict', at, `the request has ${hosts.length} Host fields (${hosts.map((h) => `"${printable(h)}"`).join(', ')}): a server must answer 400, and servers and proxies that pick different ones send it to different places (RFC 9112 §3.2)`);
  }
  const target = request.request.target;
  const authority = authorityOf(target);
  if (authority !== null && hosts.length === 1 && !sameAuthority(authority, hosts[0]!, target.slice(0, 5).toLowerCase() === 'https' ? 'https' : 'http')) {
    return anomaly(request, 'host-conflict', at, `the target names ${printable(authority)} but Host says "${printable(hosts[0]!)}": a proxy must go by the target, a server that reads Host instead sends it elsewhere (RFC 9112 §3.2.2)`);
  }
  return null;
}

/** A final response completed or began a tunnel: a 101 nobody asked for, or a request pipelined behind an Upgrade. */
export function upgradeFindings(requests: MessageLog, response: MessageRecord, firstByteAt: (m: MessageRecord, stream: 0 | 1) => number): { stream: 0 | 1; event: AnomalyEvent }[] {
  const index = response.requestIndex;
  if (index === null) return [];
  const request = requests.at(index);
  if (!request) return [];
  const status = response.response?.status ?? 0;
  const asked = values(request, 'upgrade').length > 0;
  if (status === 101 && !asked) {
    return [{ stream: 1, event: anomaly(response, 'unrequested-upgrade', response.offset, `a 101 Switching Protocols answered request #${index + 1}, which asked for no upgrade (no Upgrade field): what follows on the connection is read as a tunnel, not HTTP (RFC 9110 §15.2.2)`) }];
  }
  const next = requests.at(index + 1);
  if (status !== 101 && asked && next && firstByteAt(next, 0) < firstByteAt(response, 1)) {
    return [
      {
        stream: 0,
        event: anomaly(next, 'request-after-upgrade', next.offset, `request #${index + 2} was sent behind request #${index + 1}'s Upgrade before the server answered it: a server that switches protocols reads it as the new protocol's data, one that declines (this one answered ${status}) as a request, and the two ends may disagree which it was (a request smuggling shape, RFC 9110 §7.8)`),
      },
    ];
  }
  return [];
}
