// A capture at the scale the app must stay smooth at: 100,000 exchanges and 1,000,000
// chunks (1,000 keep-alive connections of 100 exchanges with 10 chunks each).
import { CaptureWriter } from '../main/capture/writer';

export async function writeScaleCapture(path: string, connections = 1000, exchangesPer = 100, chunksPer = 10): Promise<{ exchanges: number; chunks: number }> {
  const writer = new CaptureWriter(path);
  writer.event({ type: 'session', version: 1, startedAt: new Date().toISOString(), tool: 'chunkscope bench', mode: 'reverse', listen: '127.0.0.1:0', reverse: '127.0.0.1:1' });
  const body = Array.from({ length: chunksPer }, (_, i) => `1\r\n${String.fromCharCode(97 + (i % 26))}\r\n`).join('');
  const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`);
  let time = 0;
  for (let c = 1; c <= connections; c++) {
    writer.event({ type: 'open', connection: c, time, client: `127.0.0.1:${40000 + (c % 20000)}`, mode: 'reverse' });
    writer.event({ type: 'upstream', connection: c, time, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' });
    for (let e = 0; e < exchangesPer; e++) {
      time += 0.0005;
      writer.data(c, 0, false, time, Buffer.from(`GET /feed/${c}/${e} HTTP/1.1\r\nHost: bench.test\r\n\r\n`));
      time += 0.0005;
      writer.data(c, 1, false, time, response);
    }
    writer.event({ type: 'close', connection: c, time, side: 'client', kind: 'fin', by: 'peer', detail: null });
    writer.event({ type: 'close', connection: c, time, side: 'upstream', kind: 'fin', by: 'proxy', detail: null });
    writer.event({ type: 'close', connection: c, time, side: 'upstream', kind: 'fin', by: 'peer', detail: null });
    writer.event({ type: 'close', connection: c, time, side: 'client', kind: 'fin', by: 'proxy', detail: null });
    if (writer.busy) await new Promise<void>((resolve) => writer.onDrain(resolve));
  }
  writer.event({ type: 'end', time });
  await writer.close();
  return { exchanges: connections * exchangesPer, chunks: connections * exchangesPer * chunksPer };
}
