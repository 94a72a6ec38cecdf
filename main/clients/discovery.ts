// How `chunkscope run`, `env` and `browser` find a Chunkscope that is already running (the
// app, or `serve`): it writes `running.json` in the user's data directory, readable by the
// user alone (0600, in a 0700 directory), with its proxy's address and the port and token
// of its control listener (control.ts). The file is removed when it stops; one left by a
// Chunkscope that crashed is recognised (its process is gone, or its control port does
// not answer with the token) and ignored.

import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeWhole } from './private-files';

export const DISCOVERY_FILE = 'running.json';

export interface RunningChunkscope {
  pid: number;
  /** The proxy clients use: http://127.0.0.1:8888 */
  proxy: string;
  /** Where a launched client asks for a port of its own (control.ts). */
  control: { host: string; port: number; token: string };
  startedAt: string;
}

const schema = z.object({
  pid: z.int().positive(),
  proxy: z.string().regex(/^http:\/\/[^/]+$/),
  control: z.object({ host: z.string().min(1), port: z.int().min(1).max(65535), token: z.string().min(16) }),
  startedAt: z.string(),
});

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Say that this process runs a Chunkscope; returns the function that takes it back (only if the file is still ours). */
export function advertise(dataDir: string, running: RunningChunkscope): () => void {
  writeWhole(dataDir, DISCOVERY_FILE, `${JSON.stringify(running, null, 2)}\n`);
  return () => {
    const now = readRunning(dataDir);
    if (now && now.control.token === running.control.token) rmSync(join(dataDir, DISCOVERY_FILE), { force: true });
  };
}

/** The running Chunkscope this file names, or null (no file, a damaged one, or its process is gone). */
export function readRunning(dataDir: string): RunningChunkscope | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, DISCOVERY_FILE), 'utf8');
  } catch {
    return null;
  }
  let parsed;
  try {
    parsed = schema.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
  if (!parsed.success || !alive(parsed.data.pid)) return null;
  return parsed.data;
}

/** Whether a process with this id exists (ours or another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
