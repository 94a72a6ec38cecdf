// A capture of one exchange answered by a flood of interim responses (`100 Continue`),
// then a 200: the shape that took the engine 41 s to open (issue 14, item 6). 200,000
// of them in reads of 1,000 make a file of 5 MB.
import type { CaptureRecord } from '../../capture/format';
import { writeCaptureFile } from '../../capture/write-file';

export const INTERIM = 'HTTP/1.1 100 Continue\r\n\r\n';
export const FINAL = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

export function writeInterimCapture(path: string, interim = 200_000, perRead = 1000): void {
  function* records(): Generator<CaptureRecord> {
    yield { type: 'session', version: 1, startedAt: new Date(0).toISOString(), tool: 'chunkscope test', mode: 'reverse', listen: '127.0.0.1:0', reverse: null };
    yield { type: 'open', connection: 1, time: 0, client: '127.0.0.1:50000', mode: 'reverse' };
    yield { type: 'upstream', connection: 1, time: 0, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' };
    yield { type: 'data', connection: 1, stream: 0, generated: false, time: 0.001, bytes: Buffer.from('POST /upload HTTP/1.1\r\nHost: origin.test\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n') };
    let time = 0.002;
    for (let sent = 0; sent < interim; sent += perRead) {
      yield { type: 'data', connection: 1, stream: 1, generated: false, time: (time += 0.00001), bytes: Buffer.from(INTERIM.repeat(Math.min(perRead, interim - sent))) };
    }
    yield { type: 'data', connection: 1, stream: 1, generated: false, time, bytes: Buffer.from(FINAL) };
    yield { type: 'close', connection: 1, time, side: 'upstream', kind: 'fin', by: 'peer', detail: null };
    yield { type: 'close', connection: 1, time, side: 'client', kind: 'fin', by: 'proxy', detail: null };
    yield { type: 'end', time };
  }
  writeCaptureFile(path, records());
}
