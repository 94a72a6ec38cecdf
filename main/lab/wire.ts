// Bytes the lab writes, built as they go on the wire (latin1, one byte per character).

export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** A response head: status line, fields in order, the empty line. */
export function head(status: string, fields: [string, string][]): Buffer {
  return bytes(`HTTP/1.1 ${status}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`);
}

/** One chunk: size in hex (uppercase, as most servers send it), data, CRLF. */
export function chunk(data: Buffer | string, extension = ''): Buffer {
  const body = typeof data === 'string' ? bytes(data) : data;
  return Buffer.concat([bytes(`${body.length.toString(16).toUpperCase()}${extension}\r\n`), body, bytes('\r\n')]);
}

export const LAST_CHUNK = bytes('0\r\n\r\n');

/** A whole response with a Content-Length body. */
export function withLength(status: string, body: string, type = 'text/plain; charset=utf-8', extra: [string, string][] = []): Buffer {
  const data = Buffer.from(body, 'utf8');
  return Buffer.concat([head(status, [['Content-Type', type], ['Content-Length', String(data.length)], ...extra]), data]);
}

export const CHUNKED: [string, string] = ['Transfer-Encoding', 'chunked'];
