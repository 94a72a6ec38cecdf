// Which host names and addresses are this machine: a request for one of them on the
// proxy's own port would come straight back to the proxy (a loop). Names are compared as
// a resolver would read them: "0x7f.1", "2130706433" and "127.1" are all 127.0.0.1.

import net from 'node:net';
import os from 'node:os';

/** How long the list of interface addresses is trusted before it is read again. */
const INTERFACES_TTL_MS = 5000;

let interfaces: { at: number; addresses: Set<string> } | null = null;

function interfaceAddresses(): Set<string> {
  const now = Date.now();
  if (!interfaces || now - interfaces.at > INTERFACES_TTL_MS) {
    const addresses = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? []) addresses.add(entry.address.toLowerCase().replace(/%.*$/, ''));
    }
    interfaces = { at: now, addresses };
  }
  return interfaces.addresses;
}

/** An IPv4 or IPv6 literal as the resolver reads it, or null for a name. */
export function canonicalAddress(host: string): string | null {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (net.isIPv6(bare)) {
    let v6: string;
    try {
      v6 = new URL(`http://[${bare}]`).hostname.slice(1, -1);
    } catch {
      return bare;
    }
    // An IPv4-mapped address ("::ffff:7f00:1") is the IPv4 address.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
    if (!mapped) return v6;
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  let hostname: string;
  try {
    hostname = new URL(`http://${bare}`).hostname;
  } catch {
    return null;
  }
  return net.isIPv4(hostname) ? hostname : null;
}

/** "127.0.0.1:8888", "[::1]:8888": an endpoint as sockets report it, mapped IPv4 unwrapped. */
export function endpointKey(address: string | undefined, port: number | undefined): string {
  const canonical = canonicalAddress(address ?? '') ?? address ?? '';
  return canonical.includes(':') ? `[${canonical}]:${port}` : `${canonical}:${port}`;
}

/**
 * Whether `host` names this machine: loopback (127.0.0.0/8, ::1, localhost and its
 * subdomains, RFC 6761), the unspecified address (0.0.0.0, ::, which connect locally),
 * this machine's own name, or an address of one of its network interfaces.
 */
export function isLocalHost(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || name === os.hostname().toLowerCase()) return true;
  const address = canonicalAddress(name);
  if (address === null) return false;
  if (address.startsWith('127.') || address === '0.0.0.0' || address === '::1' || address === '::') return true;
  return interfaceAddresses().has(address);
}
