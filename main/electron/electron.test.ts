// The Electron shell's security settings and IPC, run against a fake `electron` module:
// the binary is not needed to check what main.ts and preload.ts ask of it.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type RecentFile } from '../../shared/api';
import { filePieces } from '../capture/file-pieces';
import { readRecords } from '../capture/reader';
import { writeCaptureFile } from '../capture/write-file';
import { request, response } from '../http1/test-support/builders';
import { writeSettings } from './settings';

type Handler = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appHandlers = new Map<string, Handler>();
  const ipcHandlers = new Map<string, Handler>();
  const windows: { options: Record<string, unknown>; webContents: { send: ReturnType<typeof vi.fn>; loaded: Handler[] }; loaded: string | null; closed: Handler | null }[] = [];
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const permissionHandler: { current: Handler | null } = { current: null };
  const exposed: { name: string | null; api: Record<string, unknown> | null } = { name: null, api: null };
  const rendererListeners = new Map<string, Handler[]>();
  const userData: { dir: string } = { dir: '' };
  return { appHandlers, ipcHandlers, windows, whenReady, ready: () => ready(), permissionHandler, exposed, rendererListeners, userData, quit: vi.fn(), menu: vi.fn(), invoke: vi.fn(async (...args: unknown[]) => args), clipboard: vi.fn(), saveDialog: vi.fn() };
});

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      send: vi.fn(),
      loaded: [] as Handler[],
      on(event: string, handler: Handler) {
        if (event === 'did-finish-load') this.loaded.push(handler);
      },
    };
    private record: (typeof fake.windows)[number];
    constructor(options: Record<string, unknown>) {
      this.record = { options, webContents: this.webContents, loaded: null, closed: null };
      fake.windows.push(this.record);
    }
    on(event: string, handler: Handler) {
      if (event === 'closed') this.record.closed = handler;
    }
    loadFile(path: string) {
      this.record.loaded = path;
      // The page loads (its scripts listen for updates), then the window says so.
      setImmediate(() => this.webContents.loaded.forEach((h) => h()));
      return Promise.resolve();
    }
  }
  return {
    app: {
      on: (event: string, handler: Handler) => fake.appHandlers.set(event, handler),
      whenReady: () => fake.whenReady,
      getPath: (name: string) => (name === 'userData' ? fake.userData.dir : '/nonexistent'),
      quit: fake.quit,
      exit: vi.fn(),
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: Handler) => fake.ipcHandlers.set(channel, handler) },
    Menu: { setApplicationMenu: fake.menu, buildFromTemplate: (t: unknown) => t },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: fake.saveDialog, showErrorBox: vi.fn() },
    clipboard: { writeText: fake.clipboard },
    session: { defaultSession: { setPermissionRequestHandler: (h: Handler) => (fake.permissionHandler.current = h) } },
    shell: { openExternal: vi.fn() },
    contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => Object.assign(fake.exposed, { name, api }) },
    ipcRenderer: {
      invoke: fake.invoke,
      on: (channel: string, l: Handler) => fake.rendererListeners.set(channel, [...(fake.rendererListeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: Handler) => fake.rendererListeners.set(channel, (fake.rendererListeners.get(channel) ?? []).filter((x) => x !== l)),
    },
    webUtils: { getPathForFile: () => '/dropped/file.cscap' },
  };
});

const RENDERER_URL = pathToFileURL(fileURLToPath(new URL('./renderer/index.html', new URL('./main.ts', import.meta.url)))).href;

/** The port the settings remember, held by another program (Fiddler, say) while the app starts. */
let remembered: net.Server;
let rememberedPort: number;
const stdout: string[] = [];

beforeAll(async () => {
  process.env.CHUNKSCOPE_DATA_DIR = mkdtempSync(join(tmpdir(), 'chunkscope-data-')); // the CA: never the user's
  delete process.env.CHUNKSCOPE_PROXY_PORT;
  fake.userData.dir = mkdtempSync(join(tmpdir(), 'chunkscope-user-data-'));
  remembered = net.createServer();
  await new Promise<void>((resolve) => remembered.listen(0, '127.0.0.1', resolve));
  rememberedPort = (remembered.address() as net.AddressInfo).port;
  writeSettings(fake.userData.dir, { proxyPort: rememberedPort });
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
  await import('./main');
  fake.ready();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 10_000 });
});

afterAll(async () => {
  await new Promise((resolve) => remembered.close(resolve));
  await fake.appHandlers.get('window-all-closed')?.();
  await vi.waitFor(() => expect(fake.quit).toHaveBeenCalled(), { timeout: 10_000 });
});

describe('the Electron main process', () => {
  it('falls back to a free port when its port is taken, says so in one line, and remembers the new one', async () => {
    const hello = (await fake.ipcHandlers.get('chunkscope:hello')!({ sender: fake.windows[0]!.webContents, senderFrame: { url: RENDERER_URL } }, undefined)) as { proxy: string };
    const port = Number(new URL(hello.proxy).port);
    expect(port).not.toBe(rememberedPort);
    expect(stdout).toContain(`port ${rememberedPort} is taken, so the proxy listens on port ${port} instead (kept for the next start)\n`);
    expect(JSON.parse(readFileSync(join(fake.userData.dir, 'settings.json'), 'utf8'))).toEqual({ proxyPort: port });
  });

  it('opens the window with context isolation, the sandbox and no Node integration', () => {
    const { options, loaded } = fake.windows[0]!;
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(loaded).toMatch(/renderer\/index\.html$/);
  });

  it('denies every permission, navigation, webview and new window', () => {
    const allow = vi.fn();
    fake.permissionHandler.current!({}, 'media', allow);
    expect(allow).toHaveBeenCalledWith(false);
    const listeners = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    const contents = { on: (event: string, h: Handler) => listeners.set(event, h), setWindowOpenHandler: (h: Handler) => (openHandler = h) };
    fake.appHandlers.get('web-contents-created')!({}, contents);
    for (const event of ['will-navigate', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      listeners.get(event)!({ preventDefault });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(openHandler!({ url: 'https://example.test' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  });

  it('answers IPC only from its own window and page, and validates the arguments', async () => {
    const hello = fake.ipcHandlers.get('chunkscope:hello')!;
    const window = fake.windows[0]!;
    const ours = { sender: window.webContents, senderFrame: { url: RENDERER_URL } };
    expect(await hello(ours, undefined)).toMatchObject({ mode: 'forward', capturing: true });
    expect(() => hello({ sender: {}, senderFrame: { url: RENDERER_URL } }, undefined)).toThrow('refused');
    expect(() => hello({ sender: window.webContents, senderFrame: { url: 'https://evil.example/' } }, undefined)).toThrow('refused');
    await expect(fake.ipcHandlers.get('chunkscope:raw')!(ours, { connection: -1 })).rejects.toThrow('bad arguments for raw');
  });

  it('has an app menu to open and save captures, start and stop, and clear', () => {
    const template = fake.menu.mock.calls[0]![0] as { label: string; submenu: { label?: string }[] }[];
    const labels = template.flatMap((m) => m.submenu.map((i) => i.label)).filter(Boolean);
    expect(labels).toEqual(expect.arrayContaining(['Open Capture…', 'Save Capture As…', 'Start Capture', 'Stop Capture', 'Clear']));
  });

  it('sends updates to the window', async () => {
    await vi.waitFor(() => expect(fake.windows[0]!.webContents.send).toHaveBeenCalledWith('chunkscope:update', expect.objectContaining({ reset: true })));
  });

  it('sends a page reloaded in the window the session whole again, then its changes once', async () => {
    const { send, loaded } = fake.windows[0]!.webContents;
    const resets = () => send.mock.calls.filter(([channel, batch]) => channel === 'chunkscope:update' && (batch as { reset?: boolean }).reset).length;
    await vi.waitFor(() => expect(resets()).toBeGreaterThan(0));
    const before = resets();
    for (const h of loaded) h(); // a reload: its page listens afresh
    await vi.waitFor(() => expect(resets()).toBe(before + 1));
    // Clear sends the new session whole to each listener: one, not the page before too.
    await fake.ipcHandlers.get('chunkscope:clear')!({ sender: fake.windows[0]!.webContents, senderFrame: { url: RENDERER_URL } }, undefined);
    await vi.waitFor(() => expect(resets()).toBe(before + 2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resets()).toBe(before + 2);
  });
});

describe('files and the clipboard', () => {
  const ours = () => ({ sender: fake.windows[0]!.webContents, senderFrame: { url: RENDERER_URL } });
  // As ipcMain.handle does, a handler that throws rejects the call.
  const ipc = (channel: string, args?: unknown) => Promise.resolve().then(() => fake.ipcHandlers.get(channel)!(ours(), args));
  const recent = async () => (await ipc('chunkscope:recent')) as RecentFile[];

  it('remembers the last 10 files opened and saved, newest first, in the user data folder; opens them again; one gone says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-recent-'));
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, `s${i}.cscap`));
    for (const path of paths) await ipc('chunkscope:saveCapture', { path });
    expect((await recent()).map((r) => [r.name, r.how, r.gone ?? false])).toEqual(paths.slice(2).reverse().map((p) => [basename(p), 'saved', false]));
    expect(JSON.parse(readFileSync(join(fake.userData.dir, 'recent.json'), 'utf8'))).toHaveLength(10);

    await ipc('chunkscope:openCapture', { path: paths[5] });
    expect((await recent())[0]).toMatchObject({ where: paths[5], how: 'opened' });
    expect(await recent()).toHaveLength(10);
    await expect(ipc('chunkscope:open-recent', paths[7])).resolves.toMatchObject({ viewing: paths[7] });
    expect((await recent())[0]).toMatchObject({ where: paths[7], how: 'opened' });

    rmSync(paths[9]!);
    expect((await recent()).find((r) => r.where === paths[9])).toMatchObject({ name: 's9.cscap', gone: true });
    await expect(ipc('chunkscope:open-recent', paths[9])).rejects.toThrow(`s9.cscap is gone: it was moved or deleted since it was saved (it was ${paths[9]})`);
    await expect(ipc('chunkscope:open-recent', '/etc/passwd')).rejects.toThrow('passwd is not among the recent files: open it with Open…');
    // The app menu lists them, the one gone as gone (and not to be chosen).
    const template = fake.menu.mock.calls.at(-1)![0] as { label: string; submenu: { label?: string; submenu?: { label?: string; enabled?: boolean }[] }[] }[];
    const openRecent = template.find((m) => m.label === 'File')!.submenu.find((i) => i.label === 'Open Recent')!.submenu!;
    expect(openRecent.slice(0, 2).map((i) => i.label)).toEqual(['s7.cscap', 's5.cscap']);
    expect(openRecent.find((i) => i.label === 's9.cscap (gone)')).toMatchObject({ enabled: false });
  });

  it('puts text on the clipboard through main, and refuses what is not text', async () => {
    await ipc('chunkscope:copy', 'http://a.test/x');
    expect(fake.clipboard).toHaveBeenLastCalledWith('http://a.test/x');
    expect(() => fake.ipcHandlers.get('chunkscope:copy')!(ours(), { text: 1 })).toThrow('copy takes text');
  });

  it('exports the exchanges chosen to the file the dialog names, and remembers it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chunkscope-export-'));
    const capture = join(dir, 'two.cscap');
    writeCaptureFile(capture, [
      { type: 'session', version: 1, startedAt: '2024-01-01T00:00:00.000Z', tool: 'test', mode: 'reverse', listen: 'http://127.0.0.1:1', reverse: null },
      ...[1, 2].flatMap((c) => [
        { type: 'open' as const, connection: c, time: c, client: '127.0.0.1:5000', mode: 'reverse' as const },
        { type: 'data' as const, connection: c, stream: 0 as const, generated: false, time: c, bytes: request({ startLine: `GET /${c} HTTP/1.1`, headers: [['Host', 'a.test']] }) },
        { type: 'data' as const, connection: c, stream: 1 as const, generated: false, time: c + 0.1, bytes: response({ body: `body ${c}` }) },
      ]),
      { type: 'end', time: 3 },
    ]);
    await ipc('chunkscope:openCapture', { path: capture });
    await vi.waitFor(() => expect(fake.windows[0]!.webContents.send).toHaveBeenCalledWith('chunkscope:update', expect.objectContaining({ rows: expect.arrayContaining([expect.objectContaining({ id: '2:0' })]) })));
    const out = join(dir, 'second.cscap');
    fake.saveDialog.mockResolvedValueOnce({ canceled: false, filePath: out });
    expect(await ipc('chunkscope:choose-export', { ids: ['2:0'], format: 'capture' })).toMatchObject({ path: out, exchanges: 1 });
    expect([...readRecords(filePieces(out))].filter((r) => r.type === 'open').map((r) => 'connection' in r && r.connection)).toEqual([2]);
    expect((await recent())[0]).toMatchObject({ where: out, how: 'saved' });
    fake.saveDialog.mockResolvedValueOnce({ canceled: true });
    expect(await ipc('chunkscope:choose-export', { ids: ['2:0'], format: 'har' })).toBeNull();
  });
});

describe('the preload', () => {
  it('exposes one method per channel, never ipcRenderer itself', async () => {
    await import('./preload');
    expect(fake.exposed.name).toBe('chunkscope');
    const api = fake.exposed.api!;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'desktop', 'onUpdate'].sort());
    expect(Object.values(api).some((v) => typeof v === 'object' && v !== null && 'invoke' in v)).toBe(false);
    await (api.exchangeDetail as Handler)({ id: '1:0' });
    expect(fake.invoke).toHaveBeenLastCalledWith('chunkscope:exchangeDetail', { id: '1:0' });
    expect((api.desktop as { pathForFile: Handler }).pathForFile({})).toBe('/dropped/file.cscap');
    // The clipboard and the recent files go to main, each on a channel of its own.
    const desktop = api.desktop as Record<string, Handler>;
    await desktop.copyText!('text');
    expect(fake.invoke).toHaveBeenLastCalledWith('chunkscope:copy', 'text');
    await desktop.openRecent!('/a.cscap');
    expect(fake.invoke).toHaveBeenLastCalledWith('chunkscope:open-recent', '/a.cscap');
    await desktop.chooseWhereToExport!({ ids: ['1:0'], format: 'har' });
    expect(fake.invoke).toHaveBeenLastCalledWith('chunkscope:choose-export', { ids: ['1:0'], format: 'har' });
  });

  it('returns an unsubscribe function from onUpdate', async () => {
    const api = fake.exposed.api!;
    const got: unknown[] = [];
    const unsubscribe = (api.onUpdate as Handler)((batch: unknown) => got.push(batch)) as () => void;
    for (const l of fake.rendererListeners.get('chunkscope:update') ?? []) l({}, { rows: [] });
    expect(got).toEqual([{ rows: [] }]);
    unsubscribe();
    expect(fake.rendererListeners.get('chunkscope:update')).toEqual([]);
  });
});
