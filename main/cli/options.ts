// Shared option parsing for the listening commands.

import { InvalidArgumentError } from 'commander';
import { RULE_ACTIONS, isRule, parseRule, type Rule } from '../../shared/rules';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a number from 0 to 65535 (0 picks a free one).');
  return port;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Collect a repeatable option's values (--no-intercept a --no-intercept b). */
/** --rule TEXT (repeatable): each checked when the command line is read. */
export function collectRule(value: string, previous: Rule[] = []): Rule[] {
  const rule = parseRule(value);
  if (!isRule(rule)) throw new InvalidArgumentError(`${rule.error}. Rules are ${RULE_ACTIONS.map((a) => a.syntax).join(', ')}; each optionally with host:GLOB path:GLOB method:M.`);
  return [...previous, rule];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** Resolves at Ctrl-C (SIGINT) or SIGTERM: listening commands then close cleanly. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

/** `all` or `first:N`, for --chunks: the chunk records listed per message. */
export function parseChunks(value: string): number | true {
  if (value === 'all') return true;
  const first = /^first:(\d+)$/.exec(value);
  if (!first) throw new InvalidArgumentError('expected "all" or "first:N" (for example first:1000).');
  return Number(first[1]);
}
