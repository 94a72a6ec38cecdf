// Bytes the lab sent that a client has not read yet, from the kernel's socket tables
// (/proc/net/tcp and tcp6, Linux): on loopback they sit in the lab's send queue or in
// the client's receive queue. The tables list every socket of the machine (tens of
// thousands of lines on a busy one, ~100 ms to produce): read off the event loop, and
// only the lines that name the lab's port are parsed.

import { readFile } from 'node:fs/promises';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** "0100007F:1F90" -> 8080 */
function portOf(address: string | undefined): number {
  return address ? parseInt(address.slice(address.lastIndexOf(':') + 1), 16) : -1;
}

/**
 * Unread bytes on the lines of `table` that join the lab's port to one of the client ports
 * (null: to any port, as on a relay's port of one client's own, whose every connection is it).
 */
export function unreadIn(table: string, labPort: number, clientPorts: ReadonlySet<number> | null): number {
  const needle = `:${labPort.toString(16).toUpperCase().padStart(4, '0')} `;
  let unread = 0;
  for (let at = table.indexOf(needle); at !== -1; at = table.indexOf(needle, at + needle.length)) {
    const start = table.lastIndexOf('\n', at) + 1;
    const end = table.indexOf('\n', at);
    // sl local_address rem_address st tx_queue:rx_queue …
    const fields = table.slice(start, end === -1 ? undefined : end).trim().split(/\s+/);
    const local = portOf(fields[1]);
    const remote = portOf(fields[2]);
    const queues = fields[4]?.split(':');
    if (!queues || queues.length !== 2) continue;
    const theirs = (port: number) => clientPorts === null || clientPorts.has(port);
    if (local === labPort && theirs(remote)) unread += parseInt(queues[0]!, 16);
    else if (remote === labPort && theirs(local)) unread += parseInt(queues[1]!, 16);
    if (end === -1) break;
    at = end - needle.length; // the next line: one connection per line, the port may appear twice
  }
  return unread;
}

/**
 * Unread bytes between the lab's port and these client ports, or null when the tables
 * cannot be read. A byte may count twice (received, not yet acknowledged): what matters
 * is whether any is left. With `relayPort` (the client goes through Chunkscope's proxy,
 * whose connections to the lab are the "client ports"), the bytes the relay has not yet
 * handed to the client, and the client has not read, count too.
 */
export async function unreadBytes(labPort: number, clientPorts: ReadonlySet<number>, relayPort: number | null = null): Promise<number | null> {
  let unread = 0;
  let readAny = false;
  for (const path of TABLES) {
    let table: string;
    try {
      table = await readFile(path, 'latin1');
    } catch {
      continue;
    }
    readAny = true;
    unread += unreadIn(table, labPort, clientPorts);
    if (relayPort !== null) unread += unreadIn(table, relayPort, null);
  }
  return readAny ? unread : null;
}
