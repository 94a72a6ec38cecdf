// `chunkscope run`: the command runs as it would without Chunkscope (same terminal, same
// standard input and output), with the client variables in its environment, and its exit
// status becomes ours. Ctrl-C reaches the command from the terminal (it is in the
// terminal's foreground process group): we wait for it to end rather than end first.
// SIGTERM and SIGHUP sent to us are passed on to it.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { posixQuote } from './shells';

/** The status `run` exits with when Chunkscope could not start its part (as timeout(1) does). */
export const RUN_FAILED = 125;

export interface CommandEnd {
  /** The command's exit status; 128+N when signal N ended it; 126/127 when it could not be started. */
  status: number;
  /** Why it could not be started, in words. */
  notStarted: string | null;
  signal: NodeJS.Signals | null;
}

export function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<CommandEnd> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    const onInt = () => undefined;
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    process.on('SIGINT', onInt);
    const done = (end: CommandEnd) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      process.off('SIGINT', onInt);
      resolve(end);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      const status = error.code === 'ENOENT' ? 127 : 126;
      const reason = error.code === 'ENOENT' ? 'no such program (is it on PATH?)' : error.code === 'EACCES' ? 'permission denied (not executable)' : error.message;
      done({ status, notStarted: reason, signal: null });
    });
    child.on('exit', (code, signal) => {
      if (signal) done({ status: 128 + (constants.signals[signal] ?? 0), notStarted: null, signal });
      else done({ status: code ?? 0, notStarted: null, signal: null });
    });
  });
}

/** The command as a person would type it: curl -sS 'https://example.test/?a b' (the exchanges' tag). */
export function commandLine(command: string[], max = 2000): string {
  const text = command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : posixQuote(arg))).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
