// The UI's files, listed once at start: a request path is looked up in that list exactly
// as sent, never decoded or joined to a directory, so no path can reach another file and
// no malformed one can throw.

import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticFile {
  /** Where it is on disk. */
  file: string;
  type: string;
  size: number;
}

/** URL path ("/", "/assets/index-x.js") to file, for every file under `dir`. */
export function staticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const path = `/${relative(dir, file).split(sep).map(encodeURIComponent).join('/')}`;
    files.set(path, { file, type: TYPES[extname(file)] ?? 'application/octet-stream', size: statSync(file).size });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
