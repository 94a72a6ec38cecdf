import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, writeSettings } from './settings';

describe("the desktop app's settings", () => {
  it('remember the proxy port, in a file only the user can read', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'chunkscope-settings-')), 'Chunkscope');
    expect(readSettings(dir)).toEqual({});
    writeSettings(dir, { proxyPort: 51234 });
    expect(readSettings(dir)).toEqual({ proxyPort: 51234 });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ proxyPort: 51234 });
    if (process.platform !== 'win32') expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('a damaged or foreign file is no settings at all, never a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-settings-'));
    for (const text of ['{"proxyPort": 8888', 'null', '[]', '{"proxyPort": "8888"}', '{"proxyPort": 70000}', '{"proxyPort": 1.5}']) {
      writeFileSync(join(dir, 'settings.json'), text);
      expect(readSettings(dir)).toEqual({});
    }
  });
});
