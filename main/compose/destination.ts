// Where a plan goes, and what a proxy needs of it: over plain http an HTTP proxy needs
// each request line in absolute form (RFC 9112 §3.2.2: a client sends it so to a proxy),
// so an origin-form target becomes `http://host:port/path`, and that change is said.
// Nothing else of a request is changed: a head written as bytes is sent as it is.

import type { ConnectionPlan } from '../../shared/plan';

export class NoDestination extends Error {}

/** The URL to connect to: the one given, else the plan's `to`. */
export function destination(plan: ConnectionPlan, given: URL | null): URL {
  if (given) return new URL(`${given.protocol}//${given.host}`);
  if (plan.to) return new URL(plan.to);
  throw new NoDestination('the plan does not say where to send it: give a URL (http://HOST:PORT or https://…), or write a "to" line at the top of the plan');
}

/** The plan as sent to an HTTP proxy for `to`; `rewrites` says each request line changed. */
export function forProxy(plan: ConnectionPlan, to: URL): { plan: ConnectionPlan; rewrites: string[] } {
  if (to.protocol !== 'http:') return { plan, rewrites: [] }; // https goes through a CONNECT tunnel, unchanged
  const rewrites: string[] = [];
  const requests = plan.requests.map((request, k) => {
    const head = request.head;
    if (head.kind !== 'lines') return request;
    const m = /^(\S+) (\/\S*)( .*)?$/.exec(head.startLine);
    if (!m) return request;
    const startLine = `${m[1]} http://${to.host}${m[2]}${m[3] ?? ''}`;
    rewrites.push(`request #${k + 1}: ${head.startLine} → ${startLine}`);
    return { ...request, head: { ...head, startLine } };
  });
  return { plan: { ...plan, requests }, rewrites };
}
