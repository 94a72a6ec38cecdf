// Breakpoints on a real proxy in front of the lab: the stepping list watched as it changes
// (no polling), and clients whose reads are the events a test orders steps against.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { HeldMessage } from '../../../shared/breakpoints';
import { isRule, parseRule, type Rule } from '../../../shared/rules';
import { readRecords } from '../../capture/reader';
import type { CaptureEvent } from '../../capture/format';
import { startLab, type Lab } from '../../lab/lab';
import { startProxy, type Harness } from '../../proxy/test-support/harness';
import type { Origin } from '../../proxy/forward-gate';
import { Stepping } from '../stepping';

export interface HeldProxy extends Harness {
  stepping: Stepping;
  /** Resolves with the held message once `check` holds for it (checked at every change of the list). */
  whenHeld(check: (held: HeldMessage) => boolean, what: string): Promise<HeldMessage>;
  /** Every view of the list seen so far, in order (each change). */
  seen: HeldMessage[][];
  /** The capture's rule events, once the proxy is finished. */
  ruleEvents(): Promise<Extract<CaptureEvent, { type: 'rule' }>[]>;
}

export function rules(...texts: string[]): Rule[] {
  return texts.map((text) => {
    const rule = parseRule(text);
    if (!isRule(rule)) throw new Error(rule.error);
    return rule;
  });
}

/** A reverse proxy in front of `origin` with these rules, its held messages watched. */
export async function heldProxy(origin: Origin, texts: string[], releaseAfterMs?: number): Promise<HeldProxy> {
  const waiters = new Set<() => void>();
  const seen: HeldMessage[][] = [];
  const stepping: Stepping = new Stepping({
    releaseAfterMs,
    changed: () => {
      seen.push(stepping.list());
      for (const wake of [...waiters]) wake();
    },
  });
  const list = rules(...texts);
  const harness = await startProxy({ reverse: origin, rules: () => list, stepping });
  const whenHeld = (check: (held: HeldMessage) => boolean, what: string) =>
    new Promise<HeldMessage>((resolve, reject) => {
      // A bound, so a test that waits for what never comes fails with what it waited for.
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`never held: ${what}; held: ${JSON.stringify(stepping.list())}`));
      }, 10_000);
      const look = () => {
        const held = stepping.list().find(check);
        if (!held) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(held);
      };
      waiters.add(look);
      look();
    });
  const ruleEvents = async () => {
    await harness.finish();
    return [...readRecords([readFileSync(harness.capturePath)])].flatMap((r) => (r.type === 'rule' ? [r] : []));
  };
  return { ...harness, stepping, whenHeld, seen, ruleEvents };
}

export async function lab(): Promise<Lab & { origin: Origin }> {
  const l = await startLab({ host: '127.0.0.1', port: 0 });
  return { ...l, origin: { host: '127.0.0.1', port: l.port } };
}

/** A streaming client: every read is an event `on` hears; `done` resolves with how it ended. */
export interface StreamingClient {
  received(): string;
  done: Promise<{ status: number | null; output: string; stderr: string }>;
  child?: ChildProcess;
}

/** curl --no-buffer: what it writes to stdout as each read of the body arrives. */
export function curlStream(url: string, on: (text: string) => void, args: string[] = []): StreamingClient {
  const child = spawn('curl', ['-sS', '--no-buffer', '--max-time', '20', ...args, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stdout.setEncoding('latin1').on('data', (text: string) => {
    output += text;
    on(text);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<{ status: number | null; output: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, output, stderr })));
  return { received: () => output, done, child };
}

/** Node's fetch, reading the body stream: each read is an event. */
export function fetchStream(url: string, on: (text: string) => void): StreamingClient {
  let output = '';
  const done = (async () => {
    const response = await fetch(url);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder('latin1');
    for (;;) {
      const { value, done: over } = await reader.read();
      if (over) break;
      const text = decoder.decode(value, { stream: true });
      output += text;
      on(text);
    }
    return { status: response.status, output, stderr: '' };
  })();
  return { received: () => output, done };
}

/** The log of a stepped stream: `release k` before each step, `data …` for each line a client read. */
export class StepLog {
  readonly entries: string[] = [];
  private waiting: { line: string; resolve: () => void } | null = null;
  private partial = '';

  /** A client read: each whole line it completes is logged as `data LINE`. */
  read = (text: string): void => {
    this.partial += text;
    let at;
    while ((at = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, at);
      this.partial = this.partial.slice(at + 1);
      this.entries.push(`data ${line}`);
      if (this.waiting?.line === line) {
        this.waiting.resolve();
        this.waiting = null;
      }
    }
  };

  /** Resolves when the client has read this line (at once if it has). */
  until(line: string): Promise<void> {
    if (this.entries.includes(`data ${line}`)) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { line, resolve }));
  }
}
