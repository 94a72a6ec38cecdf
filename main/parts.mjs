// The parts of main/ and the arrows between them: the one place the layering is written.
// The lint rule (scripts/eslint-layering.mjs) fails an import between parts that is not
// an arrow here, with the reason below; scripts/layout.test.ts fails a folder of main/
// that belongs to no part, an import cycle between folders, and a README whose layout
// section is not the one `node scripts/layout.mjs --write` makes from this file.
//
// Folders are listed in the order a byte meets them: from the client's socket, through
// the relay and the parser, into the capture and the analysis, to the engine and the
// window. `path: true` marks a step on that path; the others work beside it.

/** @typedef {{ name: string, path?: boolean, holds: string }} Folder */
/** @typedef {{ name: string, says: string, folders: Folder[], may: string[] }} Part */

/** @type {Part[]} */
export const parts = [
  {
    name: 'wire',
    says: 'sockets and the bytes on them',
    folders: [
      { name: 'proxy', path: true, holds: 'listens on loopback, accepts the client\'s connection and relays its bytes to the origin and back unchanged: the legs, the relay, the pure machine that mirrors how each side ended (ends.ts), the origin\'s connection (upstream.ts)' },
      { name: 'tls', path: true, holds: 'the CA, leaf certificates and the TLS legs of an intercepted CONNECT' },
      { name: 'rules', path: true, holds: 'fault and rewrite rules, applied to the bytes on their way only while a rule is on' },
      { name: 'client', holds: 'Chunkscope\'s own client connection on the same legs: open, send, wait, end, and how the server ended (check, replay, Try it)' },
    ],
    may: ['analysis', 'parse', 'store'],
  },
  {
    name: 'analysis',
    says: 'what happened on a connection, derived once',
    folders: [
      { name: 'analysis', path: true, holds: 'the recorder takes each read from the relay, writes it to the capture and feeds it to its connection\'s analysis: the parsers of both directions, requests paired with responses, how each stream ended, stalls, findings, and the account every view reads' },
    ],
    may: ['parse', 'store'],
  },
  {
    name: 'store',
    says: 'the capture file',
    folders: [
      { name: 'capture', path: true, holds: 'the capture file, written as the bytes come: its format (FORMAT.md), its writer and its reader, files read in pieces' },
    ],
    may: [],
  },
  {
    name: 'parse',
    says: 'sans-IO parsers: bytes in, events out',
    folders: [
      { name: 'http1', path: true, holds: 'the HTTP/1.1 parser, its sentences and the chunk ledger' },
      { name: 'stream', path: true, holds: 'the items inside a body: feed entries, SSE events, JSON lines' },
      { name: 'websocket', path: true, holds: 'the WebSocket frame parser after a 101 (RFC 6455): frames, messages and their fragments, masking, close codes, per-message-deflate (RFC 7692)' },
    ],
    may: [],
  },
  {
    name: 'engine',
    says: 'sessions for a window',
    folders: [
      { name: 'engine', path: true, holds: 'the live session and opened files, rows and details, opening, saving and exporting off the event loop' },
      { name: 'api', path: true, holds: 'the method map both transports serve' },
    ],
    may: ['wire', 'analysis', 'parse', 'store', 'files', 'tools'],
  },
  {
    name: 'surfaces',
    says: 'where a person meets it',
    folders: [
      { name: 'bridge', path: true, holds: 'the WebSocket bridge and static files of the browser UI (`chunkscope serve`), with its token and origin checks' },
      { name: 'electron', path: true, holds: 'the desktop shell: windows, IPC, menus; the only folder that imports electron' },
      { name: 'cli', holds: 'the command line: one file per command, its words and exit statuses' },
    ],
    may: ['wire', 'analysis', 'parse', 'store', 'files', 'tools', 'engine'],
  },
  {
    name: 'files',
    says: 'other formats in and out',
    folders: [
      { name: 'import', holds: 'a file recognised by its content; HAR and pcap/pcapng (TCP reassembled) as capture records' },
      { name: 'export', holds: 'HAR with the framing in extension fields, copy as curl, JSON written in pieces' },
    ],
    may: ['analysis', 'parse', 'store'],
  },
  {
    name: 'tools',
    says: 'the commands that test and replay',
    folders: [
      { name: 'inspect', holds: 'a capture or raw bytes in words' },
      { name: 'search', holds: 'text and regular expressions over a capture\'s headers and bodies, as sent and decoded, read from the file in bounded memory (the app runs it in a worker thread, `chunkscope search` from the terminal)' },
      { name: 'check', holds: 'a server tested with requests of every framing' },
      { name: 'replay', holds: 'a capture sent again, or served as an origin' },
      { name: 'compose', holds: 'the composer: framing plans (shared/plan.ts), their text form, the bytes and schedule they send, a captured request as a plan, and sending one on our own client connection (`send`)' },
      { name: 'lab', holds: 'the misbehaving origin and its scenarios' },
      { name: 'probe', holds: 'a client tested against the lab: its process tree, its CPU time, the verdicts' },
      { name: 'clients', holds: 'clients pointed at the proxy: `run`, `env`, `browser`, the discovery file and control listener, the system proxy\'s plans, trusting the CA system-wide' },
    ],
    may: ['wire', 'analysis', 'parse', 'store', 'files'],
  },
];

/**
 * Why an arrow is missing, by "from -> to" (or "from -> *"): the sentence a failing import
 * gets. Every pair of parts without an arrow has a reason here.
 */
export const reasons = {
  'parse -> *': 'the parsers are sans-IO (bytes in, events out): they know nothing of sockets, files or the analysis, so they can be tested on fixtures and fed from anywhere',
  'store -> *': 'the capture format is read and written by every other part: it depends on the contract (shared/) alone',
  'analysis -> wire': 'the analysis reads what was recorded, live or from a file; it never reaches for a socket',
  'analysis -> *': 'the analysis is shared by the relay, the engine, the files and the tools: it cannot depend on any of them',
  'wire -> *': 'the relay carries bytes; it is told what to do from above and never calls up',
  'files -> *': 'reading and writing other formats needs the capture and the analysis only: the CLI, the engine and the worker thread all use it',
  'tools -> engine': 'the tools run without the app\'s engine (the CLI uses them on their own); the engine may use a tool, not the other way round',
  'tools -> surfaces': 'a tool returns results; the command line or the window words them',
  'engine -> surfaces': 'the engine serves every surface (the desktop shell, the bridge, the CLI): it cannot depend on one',
};

/** The part of a folder of main/, or undefined. */
export function partOf(folder) {
  return parts.find((p) => p.folders.some((f) => f.name === folder));
}

/** Null when `from` may import `to` (parts' names), else the reason it may not. */
export function forbidden(from, to) {
  if (from === to) return null;
  const part = parts.find((p) => p.name === from);
  if (!part || part.may.includes(to)) return null;
  return reasons[`${from} -> ${to}`] ?? reasons[`${from} -> *`] ?? `${from} may not import ${to}`;
}
