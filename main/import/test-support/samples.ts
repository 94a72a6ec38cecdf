// Small, whole files of each kind Chunkscope opens (a capture, a HAR, a pcap, a pcapng),
// for tests that damage them: each holds two connections, a chunked response on each.

import { encodeDataHeader, encodeEvent, fileHeader, type CaptureRecord } from '../../capture/format';
import { captureToHar } from '../../export/har';
import { flow } from '../pcap/test-support/build';
import { pcapFile, pcapngFile, type PcapngOptions } from '../pcap/test-support/files';

const REQUEST = 'GET /feed HTTP/1.1\r\nHost: origin.test\r\n\r\n';
const RESPONSE = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';

export function sampleRecords(): CaptureRecord[] {
  const records: CaptureRecord[] = [{ type: 'session', version: 1, startedAt: '2026-11-23T10:00:00.000Z', tool: 'test', mode: 'reverse', listen: '127.0.0.1:8888', reverse: '127.0.0.1:9001' }];
  for (const connection of [1, 2]) {
    const t = connection;
    records.push(
      { type: 'open', connection, time: t, client: `127.0.0.1:5000${connection}`, mode: 'reverse' },
      { type: 'upstream', connection, time: t + 0.001, upstream: '127.0.0.1:9001', target: '127.0.0.1:9001' },
      { type: 'data', connection, stream: 0, generated: false, time: t + 0.002, bytes: Buffer.from(REQUEST, 'latin1') },
      { type: 'data', connection, stream: 1, generated: false, time: t + 0.01, bytes: Buffer.from(RESPONSE.slice(0, 60), 'latin1') },
      { type: 'data', connection, stream: 1, generated: false, time: t + 0.02, bytes: Buffer.from(RESPONSE.slice(60), 'latin1') },
      { type: 'close', connection, time: t + 0.03, side: 'upstream', kind: 'fin', by: 'peer', detail: null },
      { type: 'close', connection, time: t + 0.04, side: 'client', kind: 'fin', by: 'peer', detail: null },
    );
  }
  records.push({ type: 'end', time: 3 });
  return records;
}

/** Records as the bytes of a capture file. */
export function captureBytes(records: CaptureRecord[]): Buffer {
  const parts: Buffer[] = [fileHeader()];
  for (const record of records) {
    if (record.type === 'data') parts.push(encodeDataHeader(record.connection, record.stream, record.generated, record.time, record.bytes.length), Buffer.from(record.bytes));
    else parts.push(encodeEvent(record));
  }
  return Buffer.concat(parts);
}

export function sampleCapture(): Buffer {
  return captureBytes(sampleRecords());
}

export function sampleHar(): Buffer {
  return Buffer.from(JSON.stringify(captureToHar(sampleRecords()), null, 2));
}

function frames() {
  return [50001, 50002].flatMap((port, i) => {
    const c = flow({ client: `10.0.0.1:${port}`, server: '10.0.0.2:8080', start: 1_700_000_000 + i });
    return [
      ...c.handshake(),
      c.segment({ from: 'client', payload: REQUEST }),
      c.segment({ from: 'server', payload: RESPONSE.slice(0, 60), ack: REQUEST.length }),
      c.segment({ from: 'server', payload: RESPONSE.slice(60), ack: REQUEST.length }),
      c.segment({ from: 'server', flags: 'FA', ack: REQUEST.length }),
      c.segment({ from: 'client', flags: 'FA', ack: RESPONSE.length + 1 }),
    ];
  });
}

export function samplePcap(): Buffer {
  return pcapFile(frames());
}

export function samplePcapng(options: PcapngOptions = {}): Buffer {
  return pcapngFile(frames(), options);
}
