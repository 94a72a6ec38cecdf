// A Content-Type read once, the same way everywhere (the Stream view, the body viewer,
// the search): its type/subtype in lower case and its charset parameter.

export interface MediaType {
  /** type/subtype, lower case. */
  type: string;
  charset: string | null;
}

export function parseMediaType(contentType: string | null): MediaType | null {
  if (contentType === null) return null;
  const [essence = '', ...params] = contentType.split(';');
  const type = essence.trim().toLowerCase();
  if (!type.includes('/')) return null;
  let charset: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') || null;
  }
  return { type, charset };
}
