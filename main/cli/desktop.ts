// `chunkscope` with no command (and `npm start`): the desktop app. Where the Electron
// binary is missing (its download is refused on some machines), say so in one line and
// serve the same UI to a browser instead.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary';
import { serve } from './serve';

export async function desktop(out: (text: string) => void, args: string[] = []): Promise<void> {
  const binary = electronBinary();
  if (!binary) {
    out('The Electron binary is not installed, so Chunkscope serves its UI to your browser instead.');
    const running = await serve({ port: 8999, proxyPort: 8888, stallAfter: 2, open: args[0] }, out);
    out('Open the UI URL above in a browser; Ctrl-C stops Chunkscope.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.stop();
    return;
  }
  const appDir = fileURLToPath(new URL('..', import.meta.url)); // app/ (this file is app/dist/cli.mjs)
  const child = spawn(binary, [appDir, ...args], { stdio: 'inherit' });
  await new Promise<void>((resolve) => child.on('exit', (code) => {
    process.exitCode = code ?? 0;
    resolve();
  }));
}
