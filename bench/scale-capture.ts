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

/**
 * One exchange of `chunks` chunks (1 to 100 bytes, 0.1 ms apart: a drip of 10 s), each read
 * on its own, as a dense Timeline must draw it.
 */
export async function writeDenseExchange(path: string, chunks = 100_000): Promise<{ chunks: number; bytes: number }> {
  const writer = new CaptureWriter(path);
  writer.event({ type: 'session', version: 1, startedAt: new Date().toISOString(), tool: 'chunkscope bench', mode: 'reverse', listen: '127.0.0.1:0', reverse: '127.0.0.1:1' });
  writer.event({ type: 'open', connection: 1, time: 0, client: '127.0.0.1:40000', mode: 'reverse' });
  writer.event({ type: 'upstream', connection: 1, time: 0, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' });
  writer.data(1, 0, false, 0.001, Buffer.from('GET /dense HTTP/1.1\r\nHost: bench.test\r\n\r\n'));
  let time = 0.002;
  writer.data(1, 1, false, time, Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n'));
  let bytes = 0;
  for (let i = 0; i < chunks; i++) {
    const size = 1 + ((i * 37) % 100);
    bytes += size;
    time += 0.0001;
    writer.data(1, 1, false, time, Buffer.from(`${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`));
    if (writer.busy) await new Promise<void>((resolve) => writer.onDrain(resolve));
  }
  writer.data(1, 1, false, time + 0.0001, Buffer.from('0\r\n\r\n'));
  writer.event({ type: 'close', connection: 1, time: time + 0.001, side: 'client', kind: 'fin', by: 'peer', detail: null });
  writer.event({ type: 'close', connection: 1, time: time + 0.001, side: 'upstream', kind: 'fin', by: 'proxy', detail: null });
  writer.event({ type: 'close', connection: 1, time: time + 0.002, side: 'upstream', kind: 'fin', by: 'peer', detail: null });
  writer.event({ type: 'close', connection: 1, time: time + 0.002, side: 'client', kind: 'fin', by: 'proxy', detail: null });
  writer.event({ type: 'end', time: time + 0.002 });
  await writer.close();
  return { chunks, bytes };
}
