// Real packet captures for tests: tcpdump (pcap) or tshark (pcapng) on loopback, started
// with a BPF filter on one port, ready before the test sends anything, stopped by
// SIGINT. Every wait is bounded: a capturer that will not start or stop fails the test.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

export type Tool = 'tcpdump' | 'tshark';

const READY: Record<Tool, RegExp> = {
  tcpdump: /listening on /, // "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes"
  tshark: /Capturing on /, // "Capturing on 'Loopback: lo'"
};

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
  /** Stop the capturer (SIGINT, so it writes everything) and wait until it has exited. */
  stop(): Promise<void>;
}

export function startCapture(tool: Tool, path: string, port: number, iface: 'lo' | 'any' = 'lo'): Promise<Capture> {
  const filter = `tcp port ${port}`;
  // tcpdump drops to its own user before opening the file: stay the user we are, so it
  // can write in our private temporary directory. --immediate-mode: hand each packet over
  // at once (with TPACKET_V3 the kernel otherwise holds them for up to a second, and a
  // SIGINT in that second loses them); -U: write each packet as it comes.
  const args =
    tool === 'tcpdump'
      ? ['-i', iface, '--immediate-mode', '-U', '-Z', userInfo().username, '-w', path, filter]
      : ['-i', iface, '-F', 'pcapng', '-w', path, '-f', filter];
  const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    // Let the last packets (the closing FINs and ACKs) reach the capturer first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${tool} did not start capturing within 10 s: ${stderr}`));
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${tool} exited (${code}) before capturing: ${stderr}`));
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (!READY[tool].test(stderr)) return;
      clearTimeout(timer);
      // dumpcap says so as it starts; give it a moment to have the socket bound.
      setTimeout(() => resolve({ stop }), tool === 'tshark' ? 300 : 0);
    });
  });
}
