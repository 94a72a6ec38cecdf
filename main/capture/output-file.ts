// Files Chunkscope writes for the user: captures, HAR, request bodies (private traffic,
// so readable by the user alone, 0600), the CA certificate (public, 0644). None is ever
// written silently over an existing file: re-running a command after a kill -9 would
// otherwise destroy the capture that the format promises survives it.

import { closeSync, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** The file exists and holds something: the caller asks the user before replacing it. */
export class FileExistsError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    super(`${path} already exists (${size.toLocaleString('en-US')} bytes)`);
  }
}

export interface OutputFileOptions {
  /** Replace an existing file that holds bytes (the command's --force). */
  replace: boolean;
  /** Default 0600: what Chunkscope writes holds traffic. */
  mode?: number;
}

/**
 * Open `path` for writing, from its start. A new file is made with `mode` (0600). An
 * existing regular file that holds bytes is refused (FileExistsError) unless `replace`;
 * when it is taken (empty, or replaced) it is emptied and given `mode` whatever it had.
 * A device or a pipe (/dev/null, /dev/stdout) is written as it is: it holds nothing to lose.
 */
export function openOutputFile(path: string, { replace, mode = 0o600 }: OutputFileOptions): number {
  try {
    return openSync(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Not 'w': that would empty the file before we know what is in it.
  const fd = openSync(path, 'r+');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return fd;
    if (stat.size > 0 && !replace) throw new FileExistsError(path, stat.size);
    ftruncateSync(fd, 0);
    fchmodSync(fd, mode);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Write a whole file with openOutputFile's rules. */
export function writeOutputFile(path: string, data: string | Uint8Array, options: OutputFileOptions): void {
  const fd = openOutputFile(path, options);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}
