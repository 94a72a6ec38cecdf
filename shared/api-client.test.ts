// The one method map: both clients have every method, send its own name, and a browser
// is told in words why a method that takes a path is not its.

import { describe, expect, it } from 'vitest';
import { API, API_METHODS } from './api';
import { apiClient } from './api-client';
import { exchangeId, exchangeName, parseExchangeId } from './exchange-id';

describe('apiClient', () => {
  it('gives every method of the map, each sending its own name and argument', async () => {
    const sent: [string, unknown][] = [];
    const client = apiClient(async (method, args) => (sent.push([method, args]), `answer of ${method}`), 'desktop');
    expect(Object.keys(client).sort()).toEqual([...API_METHODS].sort());
    expect(await client.setCapturing({ on: false })).toBe('answer of setCapturing');
    expect(await client.openCapture({ path: '/tmp/x.cscap' })).toBe('answer of openCapture');
    expect(sent).toEqual([
      ['setCapturing', { on: false }],
      ['openCapture', { path: '/tmp/x.cscap' }],
    ]);
  });

  it('in a browser, refuses the methods that take a path on this machine, in words, without sending them', async () => {
    const sent: string[] = [];
    const client = apiClient(async (method) => void sent.push(method), 'browser');
    const desktopOnly = API_METHODS.filter((m) => API[m].where === 'desktop');
    expect(desktopOnly.sort()).toEqual(['cancelProbe', 'exportSelected', 'openCapture', 'probe', 'saveCapture', 'saveHar']);
    await expect(client.saveCapture({ path: '/etc/passwd' })).rejects.toThrow('saveCapture takes a path on this machine: in a browser, captures are opened by upload and saved by download');
    await client.hello();
    // The ones that run a program are the bridge's to refuse or (serve --allow-commands) take.
    await client.probe({ command: 'curl {url}' });
    expect(sent).toEqual(['hello', 'probe']);
  });
});

describe('exchange ids', () => {
  it('are built and read back by one pair of functions', () => {
    expect(exchangeId(12, 0)).toBe('12:0');
    expect(parseExchangeId(exchangeId(12, 3))).toEqual({ connection: 12, index: 3 });
    expect(exchangeName({ connection: 12, index: 3 })).toBe('c12 · request #4');
    for (const bad of ['', '12', '12:', ':3', '12:3:4', 'c12:3', '1e3:1', '12:-1']) expect(parseExchangeId(bad), bad).toBeNull();
  });
});
