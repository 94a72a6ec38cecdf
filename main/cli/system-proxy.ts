// `proxy --system`: the operating system's proxy set to this proxy while it runs, and put
// back when it stops (main/clients/system-proxy); at every start, settings a Chunkscope left
// behind when it stopped without putting them back are put back first.

import { SystemProxyError, restoreLeftSystemProxy, systemProxyHere, type SystemProxy } from '../clients/system-proxy';
import { dataDir } from '../tls';
import { CliError } from './errors';

/** The system proxy to set, checked before the proxy listens (an error names what is missing). */
export function systemProxyFor(command: string, reverse: boolean): SystemProxy {
  if (reverse) throw new CliError(`chunkscope ${command}: --system needs the forward proxy: in reverse mode clients cannot use it as their proxy`);
  const here = systemProxyHere(dataDir());
  if ('unsupported' in here) throw new CliError(`chunkscope ${command}: --system: ${here.unsupported}`);
  return here;
}

/** Set it, saying what changed; on failure the proxy stops with the reason. */
export async function turnOnSystemProxy(command: string, system: SystemProxy, address: { host: string; port: number }, say: (line: string) => void): Promise<void> {
  const host = address.host === '::' || address.host === '0.0.0.0' ? '127.0.0.1' : address.host;
  try {
    const changed = await system.turnOn({ host, port: address.port });
    say(`system proxy set: ${changed}; put back when this proxy stops`);
  } catch (error) {
    throw new CliError(`chunkscope ${command}: ${error instanceof SystemProxyError ? error.message : `the system proxy could not be set: ${String(error)}`}`);
  }
}

export async function turnOffSystemProxy(system: SystemProxy | null, say: (line: string) => void): Promise<void> {
  if (!system?.on) return;
  try {
    await system.turnOff();
    say('system proxy put back as it was');
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
  }
}

/** At start: put back settings left behind; the sentence, when there was something to do. */
export function leftBehind(): Promise<string | null> {
  return restoreLeftSystemProxy(dataDir());
}
