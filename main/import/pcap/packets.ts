// From a captured frame to a TCP segment: the link layer (Ethernet with VLAN tags, BSD
// loopback, raw IP, Linux cooked SLL and SLL2), IPv4 or IPv6, then TCP. Everything else
// (ARP, UDP, ICMP...) is skipped with a reason the importer can count.
//
// tcpdump on Linux `lo` writes Ethernet frames with zero MACs; `tcpdump -i any` writes
// SLL (or SLL2 with `-y LINUX_SLL2`); macOS `lo0` writes BSD loopback (NULL).

export interface TcpSegment {
  /** Addresses as text: 192.0.2.1, 2001:db8::1. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  syn: boolean;
  fin: boolean;
  rst: boolean;
  /** The ACK flag: `ack` is meaningful. */
  hasAck: boolean;
  /** The payload bytes captured. */
  payload: Uint8Array;
  /** Payload bytes on the wire: more than payload.length when the snap length cut the frame. */
  payloadLength: number;
}

export type Decoded =
  | { kind: 'tcp'; segment: TcpSegment }
  /** Not TCP over IP (ARP, UDP, ICMP, ...): nothing to say about it. */
  | { kind: 'other' }
  /** Could be TCP but cannot be read; `reason` says why, for a note. */
  | { kind: 'skipped'; reason: SkipReason };

export type SkipReason = 'fragment' | 'truncated' | 'link-type' | 'malformed';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const TCP = 6;

const other: Decoded = { kind: 'other' };
const skip = (reason: SkipReason): Decoded => ({ kind: 'skipped', reason });

/** Link types whose frames this module reads. */
export const LINK_TYPES: Record<number, string> = {
  0: 'BSD loopback',
  1: 'Ethernet',
  12: 'raw IP',
  14: 'raw IP',
  101: 'raw IP',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

export function decodePacket(linkType: number, frame: Uint8Array): Decoded {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  switch (linkType) {
    case 1:
      return ethernet(view, frame);
    case 0:
    case 108:
      // A 4-byte address family first, in the capturing host's byte order for NULL and
      // big-endian for LOOP; its values for IPv6 differ between BSDs (24, 28, 30), so
      // the IP version nibble that follows is the reliable guide.
      return frame.length < 4 ? skip('truncated') : ip(frame.subarray(4), frame.length - 4);
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      return ip(frame, frame.length);
    case 113:
      // SLL: packet type, ARPHRD type, address length, 8 address bytes, then the protocol.
      return frame.length < 16 ? skip('truncated') : byEthertype(view.getUint16(14), frame.subarray(16));
    case 276:
      // SLL2: the protocol first, then reserved, interface index, ARPHRD, type, addresses.
      return frame.length < 20 ? skip('truncated') : byEthertype(view.getUint16(0), frame.subarray(20));
    default:
      return skip('link-type');
  }
}

function ethernet(view: DataView, frame: Uint8Array): Decoded {
  let at = 12;
  if (frame.length < at + 2) return skip('truncated');
  let type = view.getUint16(at);
  // 802.1Q / 802.1ad tags (stacked in Q-in-Q): 4 bytes each, the real type after them.
  while (VLAN_TAGS.has(type)) {
    at += 4;
    if (frame.length < at + 2) return skip('truncated');
    type = view.getUint16(at);
  }
  return byEthertype(type, frame.subarray(at + 2));
}

function byEthertype(type: number, rest: Uint8Array): Decoded {
  if (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6) return other;
  return ip(rest, rest.length);
}

/** An IP packet; `captured` bytes of it are present. */
function ip(packet: Uint8Array, captured: number): Decoded {
  if (captured < 1) return skip('truncated');
  const version = packet[0]! >> 4;
  if (version === 4) return ipv4(packet);
  if (version === 6) return ipv6(packet);
  return other;
}

function ipv4(packet: Uint8Array): Decoded {
  if (packet.length < 20) return skip('truncated');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.length);
  const headerLength = (packet[0]! & 0x0f) * 4;
  if (headerLength < 20) return skip('malformed');
  if (packet.length < headerLength) return skip('truncated');
  if (packet[9] !== TCP) return other;
  // A fragment (more fragments, or an offset): Chunkscope does not reassemble IP
  // fragments; TCP over fragmented IP is rare (TCP sizes its segments to the path MTU).
  if ((view.getUint16(6) & 0x3fff) !== 0) return skip('fragment');
  // Total length 0 happens with TCP segmentation offload seen before the NIC splits.
  const total = view.getUint16(2) || packet.length;
  if (total < headerLength) return skip('malformed');
  return tcp(packet.subarray(headerLength), total - headerLength, address4(packet, 12), address4(packet, 16));
}

// Extension headers that may sit between IPv6 and TCP: hop-by-hop, routing, destination options, mobility.
const EXTENSIONS = new Set([0, 43, 60, 135]);

function ipv6(packet: Uint8Array): Decoded {
  if (packet.length < 40) return skip('truncated');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.length);
  const payloadLength = view.getUint16(4);
  // Payload length 0 is a jumbogram (or offload): the captured bytes are all there is.
  let remaining = payloadLength === 0 ? packet.length - 40 : payloadLength;
  let next = packet[6]!;
  let at = 40;
  for (;;) {
    if (next === TCP) break;
    if (EXTENSIONS.has(next) || next === 51 || next === 44) {
      if (packet.length < at + 8) return skip('truncated');
      if (next === 44 && (view.getUint16(at + 2) & 0xfff9) !== 0) return skip('fragment');
      // Lengths: 8-byte units beyond the first 8; AH counts 4-byte units beyond the first 8; a fragment header is 8.
      const length = next === 44 ? 8 : next === 51 ? (packet[at + 1]! + 2) * 4 : (packet[at + 1]! + 1) * 8;
      next = packet[at]!;
      at += length;
      remaining -= length;
      if (remaining < 0) return skip('malformed');
      if (packet.length < at) return skip('truncated');
      continue;
    }
    return other; // UDP, ICMPv6, ESP (encrypted), no next header...
  }
  return tcp(packet.subarray(at), remaining, address6(packet, 8), address6(packet, 24));
}

/** A TCP segment whose IP payload is `length` bytes on the wire (fewer may be captured). */
function tcp(segment: Uint8Array, length: number, src: string, dst: string): Decoded {
  if (segment.length < 20) return skip('truncated');
  const view = new DataView(segment.buffer, segment.byteOffset, segment.length);
  const headerLength = (segment[12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > length) return skip('malformed');
  if (segment.length < headerLength) return skip('truncated');
  const flags = segment[13]!;
  const end = Math.min(segment.length, length);
  return {
    kind: 'tcp',
    segment: {
      src,
      dst,
      srcPort: view.getUint16(0),
      dstPort: view.getUint16(2),
      seq: view.getUint32(4),
      ack: view.getUint32(8),
      fin: (flags & 0x01) !== 0,
      syn: (flags & 0x02) !== 0,
      rst: (flags & 0x04) !== 0,
      hasAck: (flags & 0x10) !== 0,
      payload: segment.subarray(headerLength, end),
      payloadLength: length - headerLength,
    },
  };
}

function address4(packet: Uint8Array, at: number): string {
  return `${packet[at]}.${packet[at + 1]}.${packet[at + 2]}.${packet[at + 3]}`;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as `::`. */
export function address6(packet: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((packet[at + 2 * i]! << 8) | packet[at + 2 * i + 1]!);
  // IPv4-mapped addresses (::ffff:a.b.c.d) read better with the IPv4 part dotted.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${address4(packet, at + 12)}`;
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** An endpoint as the capture format writes addresses: 192.0.2.1:80, [2001:db8::1]:80. */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
