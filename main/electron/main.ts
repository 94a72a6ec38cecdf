// The desktop shell, kept thin (DESIGN.md principle 5): a window on the same renderer as
// the browser UI, the engine in this process, and IPC as the API's transport. Follows
// Electron's security checklist: context isolation, sandbox, no Node integration, a
// strict CSP (in index.html), no navigation, no new windows, no permissions, and every
// IPC call checked to come from our own page.

import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  API_METHODS,
  IPC_CHOOSE_EXPORT,
  IPC_CHOOSE_OPEN,
  IPC_CHOOSE_SAVE,
  IPC_CHOOSE_SAVE_HAR,
  IPC_COPY,
  IPC_OPEN_RECENT,
  IPC_PREFIX,
  IPC_RECENT,
  IPC_UPDATE,
  type ApiMethod,
  type ApiRequests,
  type ExportSelection,
  type RecentFile,
} from '../../shared/api';
import { createDispatch, type Dispatch } from '../api/dispatch';
import { systemReason } from '../cli/errors';
import { Engine } from '../engine/engine';
import { fallbackLine, startWithFallback } from '../proxy/port-fallback';
import { clearRecent, readRecent, recentToOpen, rememberRecent } from './recent';
import { readSettings, writeSettings } from './settings';

const RENDERER = fileURLToPath(new URL('./renderer/index.html', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const RENDERER_URL = pathToFileURL(RENDERER).href;
/** The proxy's port unless the settings remember another (8888, as Fiddler's and Charles's). */
const DEFAULT_PROXY_PORT = 8888;
/** The longest text put on the clipboard (the renderer cuts a body copied well before). */
const MAX_COPY = 64 * 1024 * 1024;
/** The methods that open or save a file by its path: it becomes a recent file. */
const RECENT: Partial<Record<ApiMethod, RecentFile['how']>> = { openCapture: 'opened', saveCapture: 'saved', saveHar: 'saved', exportSelected: 'saved' };

let engine: Engine | null = null;
let window: BrowserWindow | null = null;
let dispatch: Dispatch | null = null;
let userData = '';

/** An API call, whoever makes it (the window, a dialog, the menu): a file opened or saved is remembered. */
async function call<M extends ApiMethod>(method: M, args: ApiRequests[M]['args']): Promise<ApiRequests[M]['result']> {
  const result = (await dispatch!(method, args)) as ApiRequests[M]['result'];
  const how = RECENT[method];
  if (how) remember((args as { path: string }).path, how);
  return result;
}

function remember(path: string, how: RecentFile['how']): void {
  try {
    rememberRecent(userData, path, how);
  } catch (error) {
    process.stdout.write(`the recent files could not be kept (${systemReason(error)})\n`);
  }
  menu();
}

/** A recent file again; one moved or deleted since is refused with a sentence. */
function openRecent(path: unknown) {
  if (typeof path !== 'string') throw new Error('open a recent file by its path');
  try {
    return call('openCapture', { path: recentToOpen(userData, path) });
  } catch (error) {
    menu(); // a file gone shows as gone from now on
    throw error;
  }
}

function trusted(event: IpcMainInvokeEvent): boolean {
  return window !== null && event.sender === window.webContents && event.senderFrame?.url === RENDERER_URL;
}

function handle(channel: string, run: (args: unknown) => unknown): void {
  ipcMain.handle(channel, (event, args) => {
    if (!trusted(event)) throw new Error('refused: this call does not come from the Chunkscope window');
    return run(args);
  });
}

async function chooseCaptureToOpen() {
  const result = await dialog.showOpenDialog(window!, { title: 'Open a capture', properties: ['openFile'], filters: [{ name: 'Chunkscope captures', extensions: ['cscap', '*'] }] });
  if (result.canceled || !result.filePaths[0]) return null;
  return call('openCapture', { path: result.filePaths[0] });
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

async function chooseWhereToSave() {
  const result = await dialog.showSaveDialog(window!, { title: 'Save the capture', defaultPath: `chunkscope-${stamp()}.cscap` });
  if (result.canceled || !result.filePath) return null;
  return call('saveCapture', { path: result.filePath });
}

async function chooseWhereToSaveHar(maxBodyBytes?: unknown) {
  const limit = typeof maxBodyBytes === 'number' && Number.isSafeInteger(maxBodyBytes) && maxBodyBytes >= 0 ? maxBodyBytes : undefined;
  const result = await dialog.showSaveDialog(window!, { title: 'Save as HAR', defaultPath: `chunkscope-${stamp()}.har`, filters: [{ name: 'HAR', extensions: ['har'] }] });
  if (result.canceled || !result.filePath) return null;
  return call('saveHar', { path: result.filePath, maxBodyBytes: limit });
}

/** Some exchanges alone, where the user says; the selection is checked by the API's schema. */
async function chooseWhereToExport(selection: unknown) {
  const chosen = (selection ?? {}) as Partial<ExportSelection>;
  const har = chosen.format === 'har';
  const count = Array.isArray(chosen.ids) ? chosen.ids.length : 0;
  const result = await dialog.showSaveDialog(window!, {
    title: `Export ${count === 1 ? 'the exchange' : `${count} exchanges`} chosen`,
    defaultPath: `chunkscope-${count}-exchanges-${stamp()}.${har ? 'har' : 'cscap'}`,
    filters: har ? [{ name: 'HAR', extensions: ['har'] }] : [{ name: 'Chunkscope captures', extensions: ['cscap'] }],
  });
  if (result.canceled || !result.filePath) return null;
  return call('exportSelected', { ...(chosen as ExportSelection), path: result.filePath });
}

function copyText(text: unknown): void {
  if (typeof text !== 'string') throw new Error('copy takes text');
  if (text.length > MAX_COPY) throw new Error(`the text is longer than ${MAX_COPY.toLocaleString('en-US')} characters: too long for the clipboard`);
  clipboard.writeText(text);
}

/** File > Open Recent: the files opened and saved last; one gone is listed, and cannot be chosen. */
function recentMenu(): MenuItemConstructorOptions[] {
  const recent = readRecent(userData);
  if (recent.length === 0) return [{ label: 'No recent files', enabled: false }];
  return [
    ...recent.map((file) => ({
      label: file.gone ? `${file.name} (gone)` : file.name,
      toolTip: file.where,
      enabled: !file.gone,
      click: () => void Promise.resolve().then(() => openRecent(file.where)).catch((error: Error) => dialog.showErrorBox('Chunkscope', error.message)),
    })),
    { type: 'separator' as const },
    { label: 'Clear Recent Files', click: () => (clearRecent(userData), menu()) },
  ];
}

function menu(): void {
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open Capture…', accelerator: 'CmdOrCtrl+O', click: () => void chooseCaptureToOpen() },
        { label: 'Open Recent', submenu: recentMenu() },
        { label: 'Save Capture As…', accelerator: 'CmdOrCtrl+S', click: () => void chooseWhereToSave() },
        { label: 'Save as HAR…', click: () => void chooseWhereToSaveHar() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Capture',
      submenu: [
        { label: 'Start Capture', accelerator: 'CmdOrCtrl+E', click: () => engine?.setCapturing({ on: true }) },
        { label: 'Stop Capture', accelerator: 'CmdOrCtrl+Shift+E', click: () => engine?.setCapturing({ on: false }) },
        { label: 'Clear', accelerator: 'CmdOrCtrl+K', click: () => engine?.clear() },
      ],
    },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Chunkscope',
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, spellcheck: false },
  });
  // Each page the window loads, a reload too, gets the session whole and then its changes:
  // a change carries only what moved since (a lane's new spans), of no use to a new page.
  let unsubscribe = () => {};
  window.webContents.on('did-finish-load', () => {
    unsubscribe();
    unsubscribe = engine!.onUpdate((batch) => window?.webContents.send(IPC_UPDATE, batch));
  });
  window.on('closed', () => {
    unsubscribe();
    window = null;
  });
  void window.loadFile(RENDERER);
}

// The menu is made once; files may have gone since: it is made again as the window comes forward.
app.on('browser-window-focus', () => engine && menu());

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const open = process.argv.slice(1).find((arg) => arg.endsWith('.cscap')) ?? null;
  // CHUNKSCOPE_PROXY_PORT asks for exactly that port; otherwise a taken port falls back to
  // a free one, remembered for the next start.
  const exact = process.env.CHUNKSCOPE_PROXY_PORT !== undefined;
  userData = app.getPath('userData');
  const settings = readSettings(userData);
  const preferred = exact ? Number(process.env.CHUNKSCOPE_PROXY_PORT) : (settings.proxyPort ?? DEFAULT_PROXY_PORT);
  try {
    const started = await startWithFallback(preferred, exact, async (proxyPort) => {
      const candidate = new Engine({ proxyHost: '127.0.0.1', proxyPort, reverse: null, stallSeconds: 2, open, https: { noIntercept: [], insecureUpstream: false }, clients: { advertise: true } });
      try {
        return { engine: candidate, proxy: (await candidate.start()).proxy };
      } catch (error) {
        await candidate.close();
        throw error;
      }
    });
    engine = started.value.engine;
    const port = Number(new URL(started.value.proxy).port);
    if (started.fellBack) {
      process.stdout.write(`${fallbackLine('the proxy', preferred, port, 'kept for the next start')}\n`);
      try {
        writeSettings(userData, { ...settings, proxyPort: port });
      } catch (error) {
        process.stdout.write(`the port could not be remembered (${systemReason(error)}); the next start tries ${preferred} again\n`);
      }
    }
    process.stdout.write(`proxy listening on ${started.value.proxy}\n`);
    if (engine.notice) process.stdout.write(`${engine.notice}\n`);
  } catch (error) {
    dialog.showErrorBox('Chunkscope', `The proxy could not start on 127.0.0.1:${preferred}: ${systemReason(error)}.`);
    app.exit(2);
    return;
  }
  dispatch = createDispatch(engine);
  for (const method of API_METHODS) handle(`${IPC_PREFIX}${method}`, (args) => call(method, args as never));
  handle(IPC_CHOOSE_OPEN, () => chooseCaptureToOpen());
  handle(IPC_CHOOSE_SAVE, () => chooseWhereToSave());
  handle(IPC_CHOOSE_SAVE_HAR, (args) => chooseWhereToSaveHar(args));
  handle(IPC_CHOOSE_EXPORT, (args) => chooseWhereToExport(args));
  handle(IPC_COPY, (text) => copyText(text));
  handle(IPC_RECENT, () => readRecent(userData));
  handle(IPC_OPEN_RECENT, (path) => openRecent(path));
  menu();
  createWindow();
});

app.on('window-all-closed', () => {
  void engine?.close().finally(() => app.quit());
});
