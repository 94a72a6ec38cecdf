// An in-process proxy writing a capture to a temporary file, and the capture's analysis.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '../../capture/reader';
import { CaptureWriter } from '../../capture/writer';
import { analyseCapture, type CaptureReport } from '../../analysis/capture-analysis';
import { ProxyServer, type ProxyOptions } from '../server';
import type { Origin } from '../forward-gate';

export interface Harness {
  port: number;
  url: string;
  proxy: ProxyServer;
  capturePath: string;
  /** Close the proxy and the capture, then analyse the capture file. */
  finish(): Promise<CaptureReport>;
  events: string[];
}

export async function startProxy(options: { reverse?: Origin | null; stallSeconds?: number; listener?: ProxyOptions['listener']; intercept?: ProxyOptions['intercept']; rules?: ProxyOptions['rules']; stepping?: ProxyOptions['stepping'] } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'chunkscope-proxy-'));
  const capturePath = join(dir, 'session.cscap');
  const capture = new CaptureWriter(capturePath);
  const events: string[] = [];
  const proxy = new ProxyServer({
    host: '127.0.0.1',
    port: 0,
    reverse: options.reverse ?? null,
    capture,
    stallSeconds: options.stallSeconds ?? 2,
    keepChunks: true,
    listener: options.listener,
    intercept: options.intercept,
    rules: options.rules,
    stepping: options.stepping,
  });
  const address = await proxy.listen();
  let finished: Promise<CaptureReport> | null = null;
  return {
    port: address.port,
    url: address.url,
    proxy,
    capturePath,
    events,
    finish: () =>
      (finished ??= (async () => {
        await proxy.close();
        await capture.close();
        return analyseCapture(readRecords([readFileSync(capturePath)]));
      })()),
  };
}

/** Wait until `check` holds, polling; fail after `ms`. */
export async function eventually(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
