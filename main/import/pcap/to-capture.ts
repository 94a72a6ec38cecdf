// A packet capture (pcap, pcapng) as Chunkscope capture records: each TCP connection
// that carries HTTP/1.x, on any port, becomes a connection as if it had gone through a
// reverse proxy that changed nothing, so a tcpdump taken on a production server gets
// the same chunk-level diagnosis as traffic seen by the proxy.

import type { CaptureEvent, CaptureRecord, CloseKind, CloseSide, ImportedEvent } from '../../capture/format';
import { groupDigits } from '../../http1/bytes';
import { chooseClient } from './http-client';
import { decodePacket, LINK_TYPES, type SkipReason } from './packets';
import { readPackets } from './read';
import { Reassembler, type Side, type TcpConnection } from './reassembly';

export interface PcapImportOptions {
  /** The most notes returned; the rest are counted in a last one (default 200). */
  maxNotes?: number;
}

export interface PcapImport {
  records: CaptureRecord[];
  /** What the import met and the user should know, in words (lost bytes, skipped connections...). */
  notes: string[];
}

interface Timed {
  order: number;
  record: CaptureRecord;
}

const SKIPPED: Record<Exclude<SkipReason, 'link-type'>, string> = {
  fragment: 'IP fragments were skipped (Chunkscope does not reassemble IP fragments)',
  truncated: 'packets were too short to hold their IP and TCP headers and were skipped',
  malformed: 'packets had impossible IP or TCP header lengths and were skipped',
};

/**
 * Import a pcap or pcapng file (whole, or in pieces kept by reference: do not reuse
 * them). Throws PcapFormatError when the file is not a packet capture or is damaged.
 */
export function pcapToCapture(input: Uint8Array | Iterable<Uint8Array>, options: PcapImportOptions = {}): PcapImport {
  const notes: string[] = [];
  const reassembler = new Reassembler();
  const skipped = new Map<SkipReason, number>();
  const unknownLinks = new Map<number, number>();
  let firstTime: number | null = null;
  let lastTime = 0;
  let cutBySnapLength = 0;
  const packets = readPackets(input);
  let step = packets.next();
  for (; !step.done; step = packets.next()) {
    const packet = step.value;
    firstTime ??= packet.time;
    // Times are relative to the first packet of the file; interfaces merged out of
    // order can step back a little, never before the start.
    const time = Math.max(0, packet.time - firstTime);
    lastTime = Math.max(lastTime, time);
    const decoded = decodePacket(packet.linkType, packet.bytes);
    if (decoded.kind === 'skipped') {
      skipped.set(decoded.reason, (skipped.get(decoded.reason) ?? 0) + 1);
      if (decoded.reason === 'link-type') unknownLinks.set(packet.linkType, (unknownLinks.get(packet.linkType) ?? 0) + 1);
    } else if (decoded.kind === 'tcp') {
      if (decoded.segment.payload.length < decoded.segment.payloadLength) cutBySnapLength++;
      reassembler.push(decoded.segment, time);
    }
  }
  notes.push(...step.value.notes);
  for (const [linkType, count] of unknownLinks) {
    notes.push(`${count} packet${count === 1 ? '' : 's'} of link type ${linkType} skipped: Chunkscope reads ${[...new Set(Object.values(LINK_TYPES))].join(', ')}`);
  }
  for (const [reason, count] of skipped) if (reason !== 'link-type') notes.push(`${groupDigits(count)} ${SKIPPED[reason]}`);
  if (cutBySnapLength > 0) {
    notes.push(`${groupDigits(cutBySnapLength)} TCP segments were cut short by the capture's snap length (tcpdump -s): their missing bytes are gaps; capture with -s 0 to keep them`);
  }

  const timed: Timed[] = [];
  const servers = new Set<string>();
  const connections = reassembler.finish();
  let imported = 0;
  let silent = 0;
  for (const tcp of connections) {
    const choice = chooseClient(tcp);
    if (choice.client === null) {
      if (choice.why === null) silent++;
      else notes.push(`TCP connection ${tcp.endpoints[tcp.opener ?? 0]} → ${tcp.endpoints[tcp.opener === 1 ? 0 : 1]} not shown: not HTTP/1.x, ${choice.why}`);
      continue;
    }
    const number = ++imported;
    servers.add(tcp.endpoints[choice.client === 0 ? 1 : 0]);
    const converted = convert(tcp, number, choice.client, lastTime);
    timed.push(...converted.records);
    notes.push(...converted.notes);
  }
  if (connections.length === 0) notes.push('the capture holds no TCP connection');
  else if (imported === 0) notes.push(`no HTTP/1.x among the capture's ${connections.length} TCP connection${connections.length === 1 ? '' : 's'}`);
  if (silent > 0) notes.push(`${silent} TCP connection${silent === 1 ? '' : 's'} carried no data (handshakes or resets only): not shown`);

  // Records of all connections in the order of the packets that caused them (a stable sort).
  timed.sort((a, b) => a.order - b.order);
  const list = [...servers];
  const session: CaptureEvent = {
    type: 'session',
    version: 1,
    startedAt: new Date((firstTime ?? 0) * 1000).toISOString(),
    tool: 'pcap import',
    mode: 'reverse',
    // The addresses the servers listened on (a production capture may hold many).
    listen: list.length <= 5 ? list.join(', ') : `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`,
    reverse: list.length === 1 ? list[0]! : null,
  };
  const records: CaptureRecord[] = [session, ...timed.map((t) => t.record), { type: 'end', time: lastTime }];
  return { records, notes: limit(notes, options.maxNotes ?? 200) };
}

/** One HTTP connection's records; `client` is the side that sent the requests. */
function convert(tcp: TcpConnection, connection: number, client: Side, endOfFile: number): { records: Timed[]; notes: string[] } {
  const id = `connection c${connection}`;
  const notes: string[] = [];
  const records: Timed[] = [];
  const push = (order: number, record: CaptureRecord) => records.push({ order, record });
  const clientAddress = tcp.endpoints[client];
  const server = tcp.endpoints[client === 0 ? 1 : 0];
  const sideOf = (from: Side): CloseSide => (from === client ? 'client' : 'upstream');
  const who = (from: Side) => (from === client ? 'client' : 'server');
  // Every end is the peer's own (by: 'peer'): there is no proxy to mirror it. The
  // `imported` event below tells connection.ts so: an upstream FIN or RST then ends
  // what the client received (a server RST both streams), a client FIN what it sent.
  const close = (order: number, time: number, side: CloseSide, kind: CloseKind, detail: string | null) =>
    push(order, { type: 'close', connection, time, side, kind, by: 'peer', detail });

  const at = tcp.firstTime;
  push(tcp.firstOrder, { type: 'open', connection, time: at, client: clientAddress, mode: 'reverse' });
  const imported: ImportedEvent = {
    type: 'imported',
    connection,
    time: at,
    source: 'pcap',
    note: `from a packet capture: TCP ${clientAddress} → ${server}${tcp.opener === null ? ', captured from mid-connection' : ''}`,
    recordedBodies: null,
  };
  push(tcp.firstOrder, imported);
  push(tcp.firstOrder, { type: 'upstream', connection, time: at, upstream: server, target: server });

  // Captured mid-connection: what the server sent before the first captured request
  // answers requests the capture never saw, and would be read as a response to the next.
  const firstRequest = tcp.opener !== null ? -1 : (tcp.events.find((e) => e.from === client && e.type === 'data')?.order ?? Infinity);
  let early = 0;

  const ended: [boolean, boolean] = [false, false];
  let stopped: { after: string[] } | null = null;
  let afterBytes = 0;
  for (const e of tcp.events) {
    if (stopped) {
      // After a gap nothing is recorded (see below): only say how the connection went on.
      if (e.type === 'data') afterBytes += e.bytes.length;
      else if (e.type === 'gap') afterBytes += e.length;
      else stopped.after.push(`a ${who(e.from)} ${e.type.toUpperCase()} at ${e.time.toFixed(3)} s`);
      continue;
    }
    switch (e.type) {
      case 'data':
        if (e.from !== client && e.order < firstRequest) {
          early += e.bytes.length;
          break;
        }
        push(e.order, { type: 'data', connection, stream: e.from === client ? 0 : 1, generated: false, time: e.time, bytes: e.bytes });
        break;
      case 'gap': {
        // Bytes the capture never saw. Joining what came before and after them would
        // misplace every chunk boundary after the hole, and no close record ends one
        // stream without blaming a peer; so the connection is shown up to the hole,
        // both sides "still open" there, and the note says what was lost and what followed.
        notes.push(`${id}: ${groupDigits(e.length)} byte${e.length === 1 ? '' : 's'} from the ${who(e.from)} never captured at stream offset ${groupDigits(e.offset)} (at ${e.time.toFixed(3)} s)`);
        const detail = `the capture lost ${groupDigits(e.length)} bytes from the ${who(e.from)} here; nothing after them is shown`;
        close(e.order, e.time, sideOf(e.from), 'open', detail);
        stopped = { after: [] };
        break;
      }
      case 'fin':
        close(e.order, e.time, sideOf(e.from), 'fin', null);
        ended[e.from] = true;
        break;
      case 'rst':
        // An RST ends both directions (connection.ts ends both streams for it).
        close(e.order, e.time, sideOf(e.from), 'rst', null);
        ended[0] = ended[1] = true;
        break;
    }
  }
  if (stopped) {
    const rest = [afterBytes > 0 ? `${groupDigits(afterBytes)} more bytes` : '', ...stopped.after].filter(Boolean);
    notes.push(`${id} is shown up to the lost bytes${rest.length > 0 ? `; after them the capture holds ${rest.join(', then ')}` : ''}`);
  } else {
    // Still open when the capture ended: say so for each side, as the proxy does when it
    // stops, after every packet (the sort keeps these in connection order).
    for (const side of [client, client === 0 ? 1 : 0] as const) {
      if (!ended[side]) close(Number.MAX_SAFE_INTEGER, endOfFile, sideOf(side), 'open', 'still open when the packet capture ended');
    }
  }
  if (early > 0) {
    notes.push(`${id} was captured from mid-connection: ${groupDigits(early)} bytes the server sent before the first captured request are left out (they answer requests the capture did not see)`);
  }
  if (tcp.retransmissions > 0) {
    notes.push(`${id}: ${groupDigits(tcp.retransmissions)} retransmitted segment${tcp.retransmissions === 1 ? '' : 's'} (${groupDigits(tcp.retransmittedBytes)} bytes) dropped as duplicates`);
  }
  if (tcp.conflictingBytes > 0) {
    notes.push(`${id}: ${groupDigits(tcp.conflictingBytes)} bytes were sent again with different content; the first received were kept (as Wireshark does)`);
  }
  if (tcp.ignoredAfterReset > 0) notes.push(`${id}: ${tcp.ignoredAfterReset} segment${tcp.ignoredAfterReset === 1 ? '' : 's'} after the RST ignored`);
  return { records, notes };
}

function limit(notes: string[], max: number): string[] {
  if (notes.length <= max) return notes;
  return [...notes.slice(0, max), `… and ${groupDigits(notes.length - max)} more notes`];
}
