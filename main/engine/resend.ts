// Resend from the app: the selected captured requests sent again by the composer, each
// captured connection's on a connection of its own (keep-alive grouping kept), with their
// original timing (the gaps between chunks and between requests) or as fast as the server
// answers; then, per request, the framing of the captured answer beside the new one
// (main/replay/diff.ts, as `replay --to` prints it).

import type { ApiRequests } from '../../shared/api';
import type { ExchangeRecord } from '../../shared/capture';
import type { ResendResult } from '../../shared/compose';
import { exchangeId } from '../../shared/exchange-id';
import { DEFAULT_END, type ConnectionPlan } from '../../shared/plan';
import type { CapturedRequests } from '../compose/from-capture';
import { compareExchange, describe, describeEnd, serverEnd } from '../replay/diff';
import type { Composer, ComposerHost } from './composer';

export interface CapturedGroup {
  connection: number;
  found: CapturedRequests;
}

/** The plan that sends one captured connection's selected requests again. */
function planOf({ found }: CapturedGroup, original: boolean): ConnectionPlan {
  const answeredLate = (r: CapturedRequests['requests'][number]) => r.previousAnswerAt !== null && r.startedAt < r.previousAnswerAt;
  return {
    to: found.to,
    // Sent before the answer to the one before: the original was pipelined.
    pipeline: original && found.requests.some(answeredLate),
    requests: found.requests.map((r, k) => ({
      ...r.plan,
      pauseBefore: original && k > 0 && r.previousAnswerAt !== null ? Math.max(0, Math.round((r.startedAt - r.previousAnswerAt) * 1000)) : 0,
    })),
    end: found.end ?? DEFAULT_END,
  };
}

export async function resendAll(composer: Composer, host: ComposerHost, { ids, timing }: ApiRequests['resend']['args']): Promise<ResendResult> {
  const original = timing === 'original';
  // Read from the session shown; sent and recorded in the live one (which may be the same).
  const session = host.shown();
  const groups = await composer.captured(ids, original, session);
  // What was captured, read before anything is sent.
  const before: { group: CapturedGroup; captured: ExchangeRecord[]; whole: ReturnType<typeof serverEnd> | null }[] = [];
  for (const group of groups) {
    const { analyzer } = await session.detail(group.connection);
    const captured = group.found.requests.map((r) => analyzer.exchange(r.index));
    const whole = group.found.requests.length === analyzer.exchangeCount() ? serverEnd(analyzer.report()) : null;
    before.push({ group, captured, whole });
  }
  const result: ResendResult = { requests: [], connections: [], failures: [] };
  for (const { group, captured, whole } of before) {
    const { connection, found } = group;
    let now: number;
    let running: boolean;
    try {
      const sent = await composer.send({ plan: planOf(group, original), via: 'direct' });
      now = sent.connections[0]!;
      running = sent.running;
    } catch (error) {
      result.failures.push(`c${connection}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const { analyzer } = await host.live().detail(now);
    found.requests.forEach((r, k) => {
      const record = k < analyzer.exchangeCount() ? analyzer.exchange(k) : undefined;
      const diff = { ...compareExchange(k, captured[k], record), index: r.index };
      result.requests.push({ id: exchangeId(connection, r.index), newId: record ? exchangeId(now, k) : null, diff, captured: describe(diff.captured), now: describe(diff.now), running });
    });
    if (whole) {
      const ended = serverEnd(analyzer.report());
      const same = ended.kind === whole.kind && ended.by === whole.by && ended.responses === whole.responses;
      result.connections.push({ connection, now, captured: describeEnd(whole), ended: describeEnd(ended), same });
    }
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  result.requests.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return result;
}
