// WebSocket fixtures kept as Markdown a person can read, as main/http1's are: each "## "
// section is one case with an optional options comment, an input block and the log.
//
//   <!-- as=client eof=fin ext=permessage-deflate;client_no_context_takeover previewBytes=8 -->
//   ```frames          one frame a line (test-support/frames.ts)
//   ```wslog           the expected wsLog() of the run

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EndKind } from '../../../shared/http1';
import type { WsSender } from '../../../shared/websocket';
import type { WebSocketLimits } from '../limits';
import { concat, frameLine } from './frames';

export interface WsFixture {
  file: string;
  name: string;
  as: WsSender;
  eof: EndKind;
  extensions: string | null;
  limits: Partial<WebSocketLimits>;
  input: Uint8Array;
  expected: string;
}

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures');

export function loadWsFixtures(): WsFixture[] {
  const out: WsFixture[] = [];
  for (const file of readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.md')).sort()) {
    out.push(...parseWsFixtures(file, readFileSync(join(FIXTURE_DIR, file), 'utf8')));
  }
  return out;
}

export function parseWsFixtures(file: string, text: string): WsFixture[] {
  return text
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const name = section.slice(0, section.indexOf('\n')).trim();
      const where = `${file}: ${name}`;
      const options = /<!--(.*?)-->/.exec(section)?.[1] ?? '';
      const opts = Object.fromEntries(
        options
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      );
      const input = /```frames\n([\s\S]*?)```/.exec(section);
      const expected = /```wslog\n([\s\S]*?)```/.exec(section);
      if (!input || !expected) throw new Error(`${where}: needs a frames block and a wslog block`);
      const lines = input[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      const limits: Partial<WebSocketLimits> = {};
      for (const key of ['maxDeflateInput', 'maxDeflateOutput', 'previewBytes'] as const) if (opts[key]) limits[key] = Number(opts[key]);
      return {
        file,
        name,
        as: (opts.as as WsSender | undefined) ?? 'server',
        eof: (opts.eof as EndKind | undefined) ?? 'fin',
        extensions: opts.ext ?? null,
        limits,
        input: concat(lines.map((l) => frameLine(l, where))),
        expected: expected[1]!.trimEnd(),
      };
    });
}
