// `npm run bench`: every figure next to its baseline measured in the same run.
//   npm run bench            all sections
//   npm run bench -- parser  only the named sections
import os from 'node:os';
import { benchBigBody } from './big-body';
import { benchClients } from './clients';
import { benchHttps } from './https';
import { benchInterop } from './interop';
import { benchLive } from './live';
import { benchMemory } from './memory';
import { benchOpenLive } from './open-live';
import { benchParser } from './parser';
import { benchProxy } from './proxy';
import { benchSearch } from './search';
import { benchUi } from './ui';
import { benchWebSocket } from './websocket';
import { benchWebSocketFlood } from './websocket-flood';

const sections: Record<string, () => void | Promise<void>> = {
  parser: benchParser,
  proxy: benchProxy,
  https: benchHttps,
  ui: benchUi,
  live: benchLive,
  'big-body': benchBigBody,
  interop: benchInterop,
  memory: benchMemory,
  open: benchOpenLive,
  clients: benchClients,
  websocket: async () => {
    benchWebSocket();
    await benchWebSocketFlood();
  },
  search: benchSearch,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in sections));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section ${unknown.join(', ')}; sections: ${Object.keys(sections).join(', ')}\n`);
  process.exit(2);
}
process.stdout.write(`Chunkscope benchmark · node ${process.version} · ${os.cpus().length} cores · ${os.cpus()[0]?.model ?? 'cpu'}\n`);
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
