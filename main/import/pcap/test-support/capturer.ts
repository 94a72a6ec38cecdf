// Real packet captures for tests: tcpdump (pcap) or tshark (pcapng) on loopback, started
// with a BPF filter on one port, ready (packets reach the file) before the test sends
// anything, stopped by SIGINT once the file holds the end of the test's connections. Every wait is bounded:
// a capturer that will not start or stop fails the test.

import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { decodePacket } from '../packets';
import { readPackets } from '../read';

export type Tool = 'tcpdump' | 'tshark';

/** Why capturing with `tool` cannot work here, or null when it can (it opens `lo` to compile a filter). */
export function captureProblem(tool: Tool): string | null {
  const binary = tool === 'tcpdump' ? '/usr/bin/tcpdump' : '/usr/bin/dumpcap';
  if (!existsSync(binary) || (tool === 'tshark' && !existsSync('/usr/bin/tshark'))) return `${tool} is not installed`;
  const probe = spawnSync(binary, tool === 'tcpdump' ? ['-i', 'lo', '-d', 'tcp'] : ['-i', 'lo', '-d', '-f', 'tcp'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) return `${tool} could not run: ${probe.error.message}`;
  if (probe.status !== 0) return `${tool} may not capture on lo here: ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

export interface Capture {
  /**
   * Wait (bounded) until the file holds `connections` TCP connections (default 1), each
   * with its end (an RST, or a FIN from each side), then stop the capturer (SIGINT, so it
   * writes everything) and wait until it has exited.
   */
  stop(connections?: number): Promise<void>;
}

/** How long the capturer may take to start, to write the packets the test needs, to stop. */
const WAIT_MS = 10_000;

/** True once the file at `path` holds `count` TCP connections, each ended: an RST, or FINs both ways. */
export function connectionsEnded(path: string, count: number): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return false;
  }
  const ends = new Map<string, { fins: Set<string>; rst: boolean }>();
  try {
    for (const packet of readPackets(bytes)) {
      const decoded = decodePacket(packet.linkType, packet.bytes);
      if (decoded.kind !== 'tcp') continue;
      const { src, srcPort, dst, dstPort, fin, rst } = decoded.segment;
      const from = `${src}:${srcPort}`;
      const to = `${dst}:${dstPort}`;
      const key = from < to ? `${from} ${to}` : `${to} ${from}`;
      const end = ends.get(key) ?? { fins: new Set<string>(), rst: false };
      ends.set(key, end);
      if (fin) end.fins.add(from);
      if (rst) end.rst = true;
    }
  } catch {
    return false; // the capturer is still writing its header
  }
  return ends.size >= count && [...ends.values()].every((e) => e.rst || e.fins.size === 2);
}

/** Packets of any kind in the file at `path` so far (0 while the capturer writes its header). */
function packetsIn(path: string): number {
  try {
    let n = 0;
    for (const _ of readPackets(readFileSync(path))) n++;
    return n;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCapture(tool: Tool, path: string, port: number, iface: 'lo' | 'any' = 'lo'): Promise<Capture> {
  // Ready is when packets reach the file, not when the capturer says it started (dumpcap
  // says so before its socket is bound): UDP datagrams to a socket of our own, on a port
  // the filter also takes, are sent until one is in the file. Imports skip UDP silently.
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const probePort = probe.address().port;
  const filter = `tcp port ${port} or udp port ${probePort}`;
  // tcpdump drops to its own user before opening the file: stay the user we are, so it
  // can write in our private temporary directory. --immediate-mode: hand each packet over
  // at once (with TPACKET_V3 the kernel otherwise holds them for up to a second, and a
  // SIGINT in that second loses them); -U: write each packet as it comes. -B: a 64 MiB
  // kernel buffer (tcpdump counts KiB, dumpcap MiB): with the default 2 MiB, immediate
  // mode drops packets while other processes keep the CPUs busy.
  const args =
    tool === 'tcpdump'
      ? ['-i', iface, '--immediate-mode', '-U', '-B', '65536', '-Z', userInfo().username, '-w', path, filter]
      : ['-i', iface, '-B', '64', '-F', 'pcapng', '-w', path, '-f', filter];
  const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
  const failedToRun = new Promise<Error>((resolve) => child.on('error', resolve));
  let startError: Error | null = null;
  void failedToRun.then((error) => (startError = error));
  const stop = async (connections = 1) => {
    // The packets that end each connection come last: once they are in the file, so is
    // everything the test needs. Bounded: past it, the test's own assertions say what is missing.
    const deadline = Date.now() + WAIT_MS;
    while (!connectionsEnded(path, connections) && Date.now() < deadline) await sleep(20);
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    const deadline = Date.now() + WAIT_MS;
    while (packetsIn(path) === 0) {
      if (startError) throw startError;
      if (exitCode !== undefined) throw new Error(`${tool} exited (${exitCode}) before capturing: ${stderr}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${tool} did not start capturing within ${WAIT_MS / 1000} s: ${stderr}`);
      }
      probe.send('chunkscope capture probe', probePort, '127.0.0.1');
      await sleep(50);
    }
  } finally {
    probe.close();
  }
  return { stop };
}
