// When is a client waiting for the lab: every byte sent already read (the kernel's
// socket queues), a connection open, and nothing more to write.

import net from 'node:net';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabRecorder } from '../lab/record';
import { unreadBytes, unreadIn } from './socket-queues';
import { WaitWatch } from './waiting';

const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0',
  '   1: 0100007F:1F90 0100007F:C350 01 00000010:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1',
  '   2: 0100007F:C350 0100007F:1F90 01 00000000:00000020 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1',
  '   3: 0100007F:1F90 0100007F:270F 01 00000400:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 30 10 -1',
  '   4: 0100007F:270F 0100007F:1F90 01 00000000:00000400 00:00000000 00000000     0        0 5 1 0000000000000000 20 4 30 10 -1',
  '   5: 0100007F:C351 0100007F:0050 01 00000000:00000777 00:00000000 00000000     0        0 6 1 0000000000000000 20 4 30 10 -1',
].join('\n');

describe('unread bytes in the socket tables', () => {
  it("counts the lab's send queue and the client's receive queue, on the client's connections only", () => {
    // Port 8080 (1F90) is the lab; 50000 (C350) the client; 9999 (270F) another client.
    expect(unreadIn(TABLE, 8080, new Set([50000]))).toBe(0x10 + 0x20);
    expect(unreadIn(TABLE, 8080, new Set([50000, 9999]))).toBe(0x30 + 0x800);
    expect(unreadIn(TABLE, 8080, new Set([50001]))).toBe(0);
  });

  it("on a relay's port of one client's own, counts every connection on it (null: any client port)", () => {
    // Port 8080 stands for the relay here: every connection to it is the client's.
    expect(unreadIn(TABLE, 8080, null)).toBe(0x30 + 0x800);
    expect(unreadIn(TABLE, 80, null)).toBe(0x777);
  });

  it.skipIf(!existsSync('/proc/net/tcp'))('on a real loopback connection: bytes a client has not read, then none once it has', async () => {
    const bytes = Buffer.alloc(64 * 1024, 0x61);
    let written!: () => void;
    const handed = new Promise<void>((resolve) => (written = resolve));
    const server = net.createServer((socket) => socket.write(bytes, () => written()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    client.pause(); // nothing read yet: the 64 KiB wait in the kernel
    await handed;
    const ports = new Set([client.localPort!]);
    // In the client's receive queue, and in the lab's send queue until acknowledged: counted in both.
    expect(await unreadBytes(port, ports)).toBeGreaterThanOrEqual(bytes.length);
    let received = 0;
    await new Promise<void>((resolve) => {
      client.on('data', (d: Buffer) => (received += d.length) === bytes.length && resolve());
      client.resume();
    });
    expect(await unreadBytes(port, ports)).toBe(0);
    client.destroy();
    server.close();
  });
});

describe('WaitWatch', () => {
  it('waiting once the queues showed nothing unread after the last write, until the lab writes again', async () => {
    const recorder = new LabRecorder();
    const log = recorder.open(50000);
    let unread = 100;
    const reads: Promise<number>[] = [];
    const watch = new WaitWatch(8080, recorder, () => {
      const read = Promise.resolve(unread);
      reads.push(read);
      return read;
    });
    log.writing(100);
    expect(watch.waiting()).toBe(false); // the lab is still writing: no look at the queues
    expect(reads).toHaveLength(0);
    log.sent(100);
    expect(watch.waiting()).toBe(false); // sent, perhaps not read: a look is started
    await reads.at(-1);
    expect(watch.waiting()).toBe(false); // 100 bytes unread
    unread = 0;
    await new Promise((resolve) => setTimeout(resolve, 260)); // the next look is due after 250 ms
    expect(watch.waiting()).toBe(false);
    await reads.at(-1);
    expect(watch.waiting()).toBe(true);
    log.writing(10);
    log.sent(10);
    expect(watch.waiting()).toBe(false); // new bytes since that look
    log.clientEnded('fin');
    expect(watch.waiting()).toBe(false); // the client closed: it waits for nothing
  });

  it('cannot tell without the tables', async () => {
    const recorder = new LabRecorder();
    recorder.open(50000);
    let read: Promise<null> | null = null;
    const watch = new WaitWatch(8080, recorder, () => (read = Promise.resolve(null)));
    watch.waiting();
    await read;
    expect(watch.waiting()).toBeNull();
  });
});
