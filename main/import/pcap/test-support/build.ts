// Captured frames of chosen TCP segments, so tests say what they mean (files.ts writes
// them as pcap or pcapng):
//   const c = flow();  pcapFile([...c.handshake(), c.segment({ from: 'client', seq: 0, payload: 'GET / HTTP/1.1\r\n\r\n' })])
// Sequence numbers are relative, as Wireshark shows them: 0 is the first data byte
// (the SYN is -1); the real ones are the ISNs plus these, modulo 2^32.

export type Link = 'ethernet' | 'vlan' | 'sll' | 'sll2' | 'null' | 'loop' | 'raw';

export interface Frame {
  /** Seconds since 1970. */
  time: number;
  linkType: number;
  bytes: Uint8Array;
  /** Length on the wire (default: bytes.length). */
  originalLength?: number;
}

export interface SegmentSpec {
  from: 'client' | 'server';
  /** Relative sequence number of the first payload byte (default: right after what this side sent last). */
  seq?: number;
  payload?: string | Uint8Array;
  /** Any of S (SYN), A (ACK), F (FIN), R (RST), P (PSH). Default 'A' ('PA' with a payload). */
  flags?: string;
  /** Relative acknowledgement number (default: 0 until the other side sent something, i.e. nothing acknowledged). */
  ack?: number;
  /** Seconds since the flow's start (default: 1 ms after the previous segment). */
  at?: number;
}

export interface FlowOptions {
  client?: string;
  server?: string;
  clientIsn?: number;
  serverIsn?: number;
  link?: Link;
  /** Seconds since 1970 of the first segment. */
  start?: number;
  /** An IPv6 hop-by-hop options header before TCP. */
  hopByHop?: boolean;
  /** TCP options (NOP NOP timestamp): a 32-byte TCP header. */
  tcpOptions?: boolean;
}

const LINK_TYPE: Record<Link, number> = { ethernet: 1, vlan: 1, sll: 113, sll2: 276, null: 0, loop: 108, raw: 101 };

export function flow(options: FlowOptions = {}) {
  const client = parseEndpoint(options.client ?? '10.0.0.1:50000');
  const server = parseEndpoint(options.server ?? '10.0.0.2:8080');
  const isn = { client: options.clientIsn ?? 1000, server: options.serverIsn ?? 5000 };
  const next = { client: 0, server: 0 };
  const link = options.link ?? 'ethernet';
  const start = options.start ?? 1_700_000_000;
  let at = 0;
  const segment = (spec: SegmentSpec): Frame => {
    const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'latin1') : (spec.payload ?? new Uint8Array(0));
    const flags = spec.flags ?? (payload.length > 0 ? 'PA' : 'A');
    const seq = spec.seq ?? (flags.includes('S') ? -1 : next[spec.from]);
    next[spec.from] = Math.max(next[spec.from], seq + payload.length + (flags.includes('F') ? 1 : 0));
    const other = spec.from === 'client' ? 'server' : 'client';
    const [src, dst] = spec.from === 'client' ? [client, server] : [server, client];
    const tcp = tcpBytes(src.port, dst.port, (isn[spec.from] + 1 + seq) >>> 0, (isn[other] + 1 + (spec.ack ?? 0)) >>> 0, flags, payload, options.tcpOptions);
    at = spec.at ?? at + 0.001;
    return { time: start + at, linkType: LINK_TYPE[link], bytes: linkFrame(link, ipBytes(src.address, dst.address, tcp, options.hopByHop)) };
  };
  return {
    segment,
    /** SYN, SYN-ACK, ACK. */
    handshake: (): Frame[] => [segment({ from: 'client', flags: 'S' }), segment({ from: 'server', flags: 'SA' }), segment({ from: 'client', flags: 'A', seq: 0 })],
  };
}

interface Endpoint {
  address: Uint8Array;
  port: number;
}

function parseEndpoint(text: string): Endpoint {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(text);
  if (v6) return { address: ipv6Address(v6[1]!), port: Number(v6[2]) };
  const [address, port] = text.split(':');
  return { address: Uint8Array.from(address!.split('.').map(Number)), port: Number(port) };
}

function ipv6Address(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  // A dotted IPv4 tail (::ffff:10.1.2.3) is two groups.
  const group = (g: string) => (g.includes('.') ? g.split('.').map(Number).reduce((a, b, i) => (i % 2 ? [...a.slice(0, -1), a.at(-1)! * 256 + b] : [...a, b]), [] as number[]) : [parseInt(g, 16)]);
  const parts = (s: string | null | undefined) => (s ? s.split(':').flatMap(group) : []);
  const left = parts(head);
  const right = parts(tail);
  const groups = tail === null ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function tcpBytes(srcPort: number, dstPort: number, seq: number, ack: number, flags: string, payload: Uint8Array, withOptions = false): Uint8Array {
  const headerLength = withOptions ? 32 : 20;
  const tcp = Buffer.alloc(headerLength + payload.length);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp.writeUInt32BE(seq, 4);
  tcp.writeUInt32BE(flags.includes('A') ? ack : 0, 8);
  tcp[12] = (headerLength / 4) << 4;
  tcp[13] = (flags.includes('F') ? 1 : 0) | (flags.includes('S') ? 2 : 0) | (flags.includes('R') ? 4 : 0) | (flags.includes('P') ? 8 : 0) | (flags.includes('A') ? 16 : 0);
  tcp.writeUInt16BE(65535, 14);
  if (withOptions) tcp.set([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], 20);
  tcp.set(payload, headerLength);
  return tcp;
}

function ipBytes(src: Uint8Array, dst: Uint8Array, tcp: Uint8Array, hopByHop = false): Uint8Array {
  if (src.length === 4) {
    const ip = Buffer.alloc(20 + tcp.length);
    ip[0] = 0x45;
    ip.writeUInt16BE(ip.length, 2);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip[8] = 64;
    ip[9] = 6;
    ip.set(src, 12);
    ip.set(dst, 16);
    ip.set(tcp, 20);
    return ip;
  }
  const extension = hopByHop ? Uint8Array.from([6, 0, 1, 4, 0, 0, 0, 0]) : new Uint8Array(0); // next: TCP, 8 bytes, PadN
  const ip = Buffer.alloc(40 + extension.length + tcp.length);
  ip[0] = 0x60;
  ip.writeUInt16BE(extension.length + tcp.length, 4);
  ip[6] = hopByHop ? 0 : 6;
  ip[7] = 64;
  ip.set(src, 8);
  ip.set(dst, 24);
  ip.set(extension, 40);
  ip.set(tcp, 40 + extension.length);
  return ip;
}

function linkFrame(link: Link, ip: Uint8Array): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const ethertype = v6 ? 0x86dd : 0x0800;
  let header: Buffer;
  switch (link) {
    case 'ethernet':
      header = Buffer.alloc(14);
      header.writeUInt16BE(ethertype, 12);
      break;
    case 'vlan':
      header = Buffer.alloc(18);
      header.writeUInt16BE(0x8100, 12);
      header.writeUInt16BE(42, 14); // VLAN 42
      header.writeUInt16BE(ethertype, 16);
      break;
    case 'sll':
      header = Buffer.alloc(16);
      header.writeUInt16BE(772, 2); // ARPHRD_LOOPBACK
      header.writeUInt16BE(6, 4);
      header.writeUInt16BE(ethertype, 14);
      break;
    case 'sll2':
      header = Buffer.alloc(20);
      header.writeUInt16BE(ethertype, 0);
      header.writeUInt32BE(1, 4);
      header.writeUInt16BE(772, 8);
      header[11] = 6;
      break;
    case 'null':
      header = Buffer.alloc(4);
      header.writeUInt32LE(v6 ? 30 : 2, 0); // the capturing host's order (here little-endian, macOS values)
      break;
    case 'loop':
      header = Buffer.alloc(4);
      header.writeUInt32BE(v6 ? 24 : 2, 0);
      break;
    case 'raw':
      header = Buffer.alloc(0);
      break;
  }
  const frame = Buffer.concat([header, ip]);
  // Ethernet pads frames to 60 bytes: the IP total length says where the packet ends.
  return link === 'ethernet' && frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
}
