// Errors for people: one line on stderr and an exit status, never a stack trace.

import type { FileExistsError } from '../capture/output-file';

export const EXIT = { ok: 0, notCompliant: 1, couldNotRun: 2, verdictError: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.couldNotRun,
  ) {
    super(message);
  }
}

/** "ENOENT: no such file or directory, open 'x'" -> "no such file or directory" */
export function systemReason(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = String((error as { code: unknown }).code);
    const known: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
      EADDRINUSE: 'the port is already in use',
      EADDRNOTAVAIL: 'that address is not on this machine',
      ECONNREFUSED: 'the connection was refused',
      ENOSPC: 'the disk is full',
      EDQUOT: 'the disk quota is used up',
      EROFS: 'the file system is read-only',
      EIO: 'an I/O error (EIO)',
    };
    if (known[code]) return known[code]!;
  }
  return error instanceof Error ? error.message : String(error);
}

/** An existing file the command will not write over: what is there, and how to go on. */
export function refusal(error: FileExistsError): string {
  return `${error.message}: not writing over it (it may hold a capture you still need). Choose another file, or add --force to replace it.`;
}
