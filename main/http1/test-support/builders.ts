// Builders with defaults, so a test says only what matters to it:
//   response({ chunks: [1500, 1405], terminator: false })

export interface ChunkSpec {
  size?: number;
  /** The chunk data; default: `size` bytes of a repeating pattern. */
  data?: string | Uint8Array;
  /** The size token as sent; default: the size in upper-case hex. */
  token?: string;
  /** Everything after the token up to CRLF, e.g. ";name=value". */
  ext?: string;
  /** What follows the data; default CRLF. */
  after?: string;
}

export interface MessageSpec {
  startLine?: string;
  headers?: [string, string][];
  /** A chunked body (adds Transfer-Encoding: chunked unless headers say otherwise). */
  chunks?: (number | ChunkSpec)[];
  /** A Content-Length body (adds the header unless headers say otherwise). */
  body?: string | Uint8Array;
  /** Send the last chunk and the final CRLF; default true. */
  terminator?: boolean;
  lastChunk?: string;
  trailers?: [string, string][];
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Uint8Array.from(value, (ch) => ch.charCodeAt(0) & 0xff) : value;
}

/** Deterministic data: a, b, c, ... so a misplaced byte shows. */
export function pattern(size: number, seed = 0): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = 0x61 + ((i + seed) % 26);
  return data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function message(defaultStart: string, spec: MessageSpec): Uint8Array {
  const headers = [...(spec.headers ?? [])];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  if (spec.chunks && !has('transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
  if (spec.body !== undefined && !spec.chunks && !has('content-length')) headers.push(['Content-Length', String(bytesOf(spec.body).length)]);
  const parts: Uint8Array[] = [bytesOf(`${spec.startLine ?? defaultStart}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`)];
  if (spec.chunks) {
    spec.chunks.forEach((chunk, index) => {
      const c: ChunkSpec = typeof chunk === 'number' ? { size: chunk } : chunk;
      const data = c.data !== undefined ? bytesOf(c.data) : pattern(c.size ?? 0, index);
      const size = c.size ?? data.length;
      parts.push(bytesOf(`${c.token ?? size.toString(16).toUpperCase()}${c.ext ?? ''}\r\n`), data, bytesOf(c.after ?? '\r\n'));
    });
    if (spec.terminator !== false) {
      const trailers = (spec.trailers ?? []).map(([n, v]) => `${n}: ${v}\r\n`).join('');
      parts.push(bytesOf(`${spec.lastChunk ?? '0'}\r\n${trailers}\r\n`));
    }
  } else if (spec.body !== undefined) {
    parts.push(bytesOf(spec.body));
  }
  return concat(parts);
}

export function response(spec: MessageSpec = {}): Uint8Array {
  return message('HTTP/1.1 200 OK', spec);
}

export function request(spec: MessageSpec = {}): Uint8Array {
  return message('POST /upload HTTP/1.1', { headers: [['Host', 'example.test']], ...spec });
}

export function join(...messages: Uint8Array[]): Uint8Array {
  return concat(messages);
}

/** One byte per character (latin1), like the wire: '\x81' is one byte. */
export function text(value: string): Uint8Array {
  return bytesOf(value);
}
