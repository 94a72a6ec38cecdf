// The `electron` module as the packaged app sees it at start-up, for a machine without
// Electron: just enough of it for main to start its engine and open its window, and for the
// preload to expose its API. The package test places it beside an extracted app.asar; it prints
// one line, `stand-in electron: {…}`, saying what the app asked for, then quits as Electron would.
// CommonJS with plain `exports.x =` so the ES module main can import its names.

const { readFileSync } = process.getBuiltinModule('node:fs');

const appEvents = new Map();
const report = { ready: false, preload: null, renderer: null, exposed: null, channels: [], error: null };

/**
 * Runs a preload as Electron runs it in a sandboxed renderer: CommonJS whose `require` knows
 * only electron and a few Node modules (events, timers, url), so a preload that needs any
 * other module fails here as it would in the app.
 */
function runSandboxedPreload(path) {
  const module = { exports: {} };
  const sandboxedRequire = (name) => {
    if (name === 'electron') return exports;
    if (['events', 'timers', 'url'].includes(name)) return process.getBuiltinModule(name);
    throw new Error(`the sandboxed preload ${path} requires '${name}', which a sandboxed renderer does not have`);
  };
  new Function('require', 'module', 'exports', readFileSync(path, 'utf8'))(sandboxedRequire, module, module.exports);
}

function quit(code) {
  process.stdout.write(`stand-in electron: ${JSON.stringify(report)}\n`);
  process.exit(code);
}

// The app keeps its settings (the proxy port it fell back to) in its user data folder.
// Beside the stand-in, in the test's own folder, which the test removes.

exports.app = {
  on: (event, listener) => appEvents.set(event, listener),
  whenReady: () => {
    report.ready = true;
    return Promise.resolve();
  },
  quit: () => quit(0),
  exit: (code) => quit(code),
  // Where the app keeps its settings (the remembered proxy port): a folder of the run's own.
  getPath: () => process.getBuiltinModule('node:path').join(process.env.CHUNKSCOPE_DATA_DIR ?? process.getBuiltinModule('node:os').tmpdir(), 'user-data'),
};

exports.BrowserWindow = class BrowserWindow {
  webContents = { send: () => undefined, on: () => undefined };
  constructor(options) {
    report.preload = options.webPreferences.preload;
  }
  on() {}
  loadFile(path) {
    report.renderer = path;
    // Electron runs the preload before the page: so does the stand-in, from where main said it is.
    runSandboxedPreload(report.preload);
    // The user closes the window: main closes its engine, then quits.
    setImmediate(() => appEvents.get('window-all-closed')());
    return Promise.resolve();
  }
};

exports.ipcMain = { handle: (channel) => report.channels.push(channel) };
exports.Menu = { setApplicationMenu: () => undefined, buildFromTemplate: (template) => template };
exports.dialog = {
  showErrorBox: (_title, message) => (report.error = message),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
};
exports.session = { defaultSession: { setPermissionRequestHandler: () => undefined } };
exports.shell = { openExternal: async () => undefined };
exports.clipboard = { writeText: () => undefined };

// What the preload uses.
exports.contextBridge = { exposeInMainWorld: (name, api) => (report.exposed = { name, members: Object.keys(api) }) };
exports.ipcRenderer = { invoke: async () => undefined, on: () => undefined, removeListener: () => undefined };
exports.webUtils = { getPathForFile: () => '' };
