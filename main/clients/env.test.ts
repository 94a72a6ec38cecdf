// `chunkscope env` in real shells: the lines are applied as the help says (eval, source),
// a client in that shell then goes through Chunkscope and trusts its CA, and `--off` puts
// back exactly what was there before: values set, values absent, values with quotes.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startCli, type RunningCli } from '../cli/test-support/run-cli';
import { tlsWorld, type TlsWorld } from '../tls/test-support/tls-world';
import { SAVED, script, turnOff, turnOn, type Shell } from './shells';
import { capturedConnections, HELLO, localOrigin, type LocalOrigin } from './test-support/origins';

function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

/** Each shell: how it applies `env`'s output, prints a variable as JSON, and runs a command. */
const SHELLS: { shell: Shell; program: string; apply: (args: string) => string; absent?: string }[] = [
  { shell: 'bash', program: 'bash', apply: (args) => `eval "$(${args})"` },
  { shell: 'zsh', program: 'zsh', apply: (args) => `eval "$(${args})"` },
  { shell: 'fish', program: 'fish', apply: (args) => `${args} | source` },
  { shell: 'powershell', program: 'pwsh', apply: (args) => `${args} | Out-String | Invoke-Expression` },
  // cmd.exe is Windows' own: there is none to run here.
  { shell: 'cmd', program: 'cmd.exe', apply: (args) => `for /f "delims=" %i in ('${args}') do @%i`, absent: 'cmd.exe exists only on Windows' },
];

/** What a shell's environment holds, as the next program it starts sees it. */
const SHOW = `${process.execPath} -e "console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => /PROXY|proxy|CA_|CERT|NODE_OPTIONS|WGETRC|CAINFO|${SAVED}/.test(k)))))"`;

let world: TlsWorld;
let origin: LocalOrigin;
let proxy: RunningCli;
let capture: string;
const dataDir = () => join(world.dir, 'data');

beforeAll(async () => {
  world = await tlsWorld();
  origin = await localOrigin({ leafFrom: world.originCa });
  capture = join(mkdtempSync(join(tmpdir(), 'chunkscope-env-')), 'env.cscap');
  proxy = await startCli(['proxy', '--port', '0', '--capture', capture], 15_000, dataDir(), { NODE_EXTRA_CA_CERTS: world.originCaFile });
});
afterAll(async () => {
  proxy?.kill('SIGTERM');
  await proxy?.exited;
  await origin?.close();
});

function shellArgs(program: string, lines: string[], env: NodeJS.ProcessEnv) {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CHUNKSCOPE_DATA_DIR: dataDir(), ...env };
  const args = program === 'pwsh' ? ['-NoProfile', '-Command', lines.join('\n')] : ['-c', lines.join('\n')];
  return [program, args, { env: base, encoding: 'utf8' as const, timeout: 60_000 }] as const;
}

/** Not while a local origin runs in this process: it would wait for an answer that cannot come. */
function inShell(program: string, lines: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(...shellArgs(program, lines, env));
}

async function inShellAsync(program: string, lines: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return (await promisify(execFile)(...shellArgs(program, lines, env))).stdout;
}

describe('chunkscope env', () => {
  for (const { shell, program, apply, absent } of SHELLS) {
    const missing = absent ?? (installed(program) ? null : `${program} is not installed here`);
    it.skipIf(missing !== null)(`${shell}${missing ? ` (skipped: ${missing})` : ''}: curl goes through Chunkscope, trusting its CA; --off puts back what was there`, async () => {
      const cli = `${process.execPath} ${BIN} env --shell ${shell} --proxy ${proxy.url}`;
      const before = { HTTP_PROXY: 'http://old.example:3128', NODE_OPTIONS: '--max-old-space-size=200', SSL_CERT_FILE: `/tmp/it's "quoted" $HOME \\ here` };
      const output = (await inShellAsync(program, [SHOW, apply(cli), SHOW, `curl -sS ${origin.url}/hello`, "echo", apply(`${cli} --off`), SHOW], before)).trim().split('\n');
      const [was, on, , off] = [JSON.parse(output[0]!), JSON.parse(output[1]!), output[2], JSON.parse(output.at(-1)!)] as Record<string, string>[];
      expect(output.join('\n')).toContain(HELLO);
      expect(on.HTTPS_PROXY).toBe(proxy.url);
      expect(on.https_proxy).toBe(proxy.url);
      expect(on.NO_PROXY ?? '').toBe('');
      expect(on.NODE_OPTIONS).toMatch(/^--require .*node-preload\.cjs --max-old-space-size=200$/);
      expect(on.CURL_CA_BUNDLE).toBe(join(dataDir(), 'clients', 'ca-bundle.pem'));
      expect(off).toEqual(was);
      const decrypted = capturedConnections(capture).filter((c) => c.decrypted && c.sent.startsWith('GET /hello '));
      expect(decrypted.length).toBeGreaterThan(0);
    });
  }
});

describe('the lines for each shell', () => {
  const tricky = [`it's`, 'a "b" c', '$HOME `id` $(id)', 'back\\slash', 'ümlaut ✓', '%PATH%'];
  it('bash and zsh read back every value exactly as set, and the saved values exactly as they were', () => {
    for (const program of ['bash', 'zsh'].filter(installed)) {
      const on = turnOn(tricky.map((value, i) => ({ name: `CHUNKSCOPE_T${i}`, value })), { CHUNKSCOPE_T0: 'before' });
      const shown = inShell(program, [script(program as Shell, on), `${process.execPath} -e "console.log(JSON.stringify([${tricky.map((_, i) => `process.env.CHUNKSCOPE_T${i}`).join(',')}]))"`], {});
      expect(JSON.parse(shown)).toEqual(tricky);
    }
  });

  it.skipIf(!installed('fish'))(`fish reads back every value exactly as set${installed('fish') ? '' : ' (skipped: fish is not installed here)'}`, () => {
    const on = turnOn(tricky.map((value, i) => ({ name: `CHUNKSCOPE_T${i}`, value })), {});
    const shown = inShell('fish', [script('fish', on), `${process.execPath} -e "console.log(JSON.stringify([${tricky.map((_, i) => `process.env.CHUNKSCOPE_T${i}`).join(',')}]))"`], {});
    expect(JSON.parse(shown)).toEqual(tricky);
  });

  it('a second env keeps the values from before the first, so one --off undoes both', () => {
    const variables = [{ name: 'HTTP_PROXY', value: 'http://127.0.0.1:8888' }];
    const first = turnOn(variables, { HTTP_PROXY: 'http://mine:1' });
    const afterFirst = Object.fromEntries(first.set);
    const second = turnOn(variables, afterFirst);
    expect(turnOff(['HTTP_PROXY'], Object.fromEntries(second.set))).toEqual({ set: [['HTTP_PROXY', 'http://mine:1']], unset: [SAVED] });
  });

  it('PowerShell doubles quotes; cmd keeps inner quotes and refuses what it cannot carry', () => {
    expect(script('powershell', { set: [['A', `it's`]], unset: ['B'] })).toBe(`Remove-Item Env:B -ErrorAction SilentlyContinue\n$env:A = 'it''s'\n`);
    expect(script('cmd', { set: [['NODE_OPTIONS', '--require "C:\\Users\\A B\\p.cjs"']], unset: [] })).toBe('set "NODE_OPTIONS=--require "C:\\Users\\A B\\p.cjs""\n');
    expect(() => script('cmd', { set: [['A', 'x "&" y']], unset: [] })).toThrow(/cmd cannot carry this value/);
  });
});
