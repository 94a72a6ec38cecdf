// The requests `chunkscope check` sends: a head with sensible defaults that the user's
// --header fields replace or remove, and the body as one piece (Content-Length) or in
// chunks of --chunk-size, each chunk its own write so the wire shows the framing asked for.

export interface RequestSpec {
  method: string;
  url: URL;
  /** The user's fields in order; an empty value removes a default field of that name (as curl's -H 'Name:'). */
  headers: [string, string][];
  body: Uint8Array | null;
  /** Send the body with Transfer-Encoding: chunked, in chunks of chunkSize bytes. */
  chunked: boolean;
  chunkSize: number;
  userAgent: string;
  /** Add `Connection: close` (the last request of a check that does not test keep-alive). */
  close: boolean;
}

/** RFC 9110 §5.6.2 token: a method or a field name. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Methods whose requests carry content: they get `Content-Length: 0` when there is no body (RFC 9110 §8.6). */
const CONTENT_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** "Name: value" → [name, value]; null when it is not a field line. */
export function parseHeader(line: string): [string, string] | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  const value = line.slice(colon + 1).trim();
  if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) return null;
  return [name, value];
}

/** The Host field for a URL: the port only when it is not the scheme's default (RFC 9110 §7.2). */
export function hostField(url: URL): string {
  return url.host; // URL drops the default port already, and keeps IPv6 brackets
}

/** The origin-form request target (RFC 9112 §3.2.1). */
export function requestTarget(url: URL): string {
  return `${url.pathname || '/'}${url.search}`;
}

/** The head's fields: the defaults, each replaced in place by the user's own or removed by an empty one; then the user's others. */
export function requestFields(spec: RequestSpec): [string, string][] {
  const user = spec.headers;
  const given = (name: string) => user.some(([n]) => n.toLowerCase() === name);
  const defaults: [string, string][] = [
    ['Host', hostField(spec.url)],
    ['User-Agent', spec.userAgent],
    ['Accept', '*/*'],
  ];
  // The framing of the body, unless the user framed it themselves (to send something odd on purpose).
  if (!given('content-length') && !given('transfer-encoding')) {
    if (spec.chunked) defaults.push(['Transfer-Encoding', 'chunked']);
    else if (spec.body) defaults.push(['Content-Length', String(spec.body.length)]);
    else if (CONTENT_METHODS.has(spec.method.toUpperCase())) defaults.push(['Content-Length', '0']);
  }
  if (spec.close) defaults.push(['Connection', 'close']);
  // Each default where it stands, or the user's fields of that name in its place (none when the value is empty).
  const fields: [string, string][] = [];
  for (const [name, value] of defaults) {
    const own = user.filter(([n]) => n.toLowerCase() === name.toLowerCase());
    if (own.length === 0) fields.push([name, value]);
    else for (const field of own) if (field[1] !== '') fields.push(field);
  }
  const defaultNames = new Set(defaults.map(([n]) => n.toLowerCase()));
  for (const field of user) if (!defaultNames.has(field[0].toLowerCase())) fields.push(field);
  return fields;
}

export function requestHead(spec: RequestSpec): Uint8Array {
  const lines = [`${spec.method} ${requestTarget(spec.url)} HTTP/1.1`, ...requestFields(spec).map(([n, v]) => `${n}: ${v}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** The body as written: one piece, or one piece per chunk (size line, data and CRLF together), then the last chunk. */
export function bodyPieces(spec: RequestSpec): Uint8Array[] {
  const body = spec.body ?? new Uint8Array(0);
  if (!spec.chunked) return body.length > 0 ? [body] : [];
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += spec.chunkSize) {
    const data = body.subarray(at, Math.min(body.length, at + spec.chunkSize));
    pieces.push(Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, Buffer.from('\r\n', 'latin1')]));
  }
  pieces.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return pieces;
}
