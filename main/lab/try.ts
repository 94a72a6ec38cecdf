// "Try it" in the app: a sample of the lab's scenarios sent through the proxy, so a
// first-time user sees each kind of trouble without setting up a client. Each sample is
// one client connection of its own (main/client): the malformed and reset scenarios do
// not stop the others.

import { ClientConnection } from '../client/connection';
import { openLeg } from '../client/open';
import { ConnectionAnalyzer } from '../analysis/connection';

export interface Sample {
  /** What it shows, for the list the UI prints. */
  label: string;
  /** Requests sent on one connection, in order (each waits for the previous answer). */
  requests: string[];
}

function get(lab: string, path: string, close: boolean): string {
  const host = new URL(lab).host;
  return `GET ${lab}${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: chunkscope-try\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
}

function chunkedPost(lab: string, path: string): string {
  const host = new URL(lab).host;
  return `POST ${lab}${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: chunkscope-try\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
}

export function samples(lab: string): Sample[] {
  return [
    { label: 'an RSS feed streamed in chunks', requests: [get(lab, '/feed?items=5&delay=150', true)] },
    { label: 'server-sent events, two per chunk', requests: [get(lab, '/events?count=6&delay=150&batch=2', true)] },
    { label: 'keep-alive: three requests on one connection', requests: [get(lab, '/ok', false), get(lab, '/trailers', false), get(lab, '/ok', true)] },
    { label: 'no last chunk: the server closes (FIN)', requests: [get(lab, '/no-terminator', true)] },
    { label: 'reset in the middle of a chunk (RST)', requests: [get(lab, '/reset-mid-chunk', true)] },
    { label: 'a chunk size that is not hex', requests: [get(lab, '/malformed/bad-hex', true)] },
    { label: 'a drip: 8 chunks, 200 ms apart', requests: [get(lab, '/drip?chunks=8&delay=200', true)] },
    { label: 'a stall of 3 s in the middle of the body', requests: [get(lab, '/stall?ms=3000', true)] },
    {
      label: 'the IIS 6 reset: the third chunked POST on a connection is reset',
      requests: [chunkedPost(lab, '/reset-after?n=2'), chunkedPost(lab, '/reset-after?n=2'), chunkedPost(lab, '/reset-after?n=2')],
    },
  ];
}

/**
 * Send one sample through the proxy, one request after the other on one connection: the
 * next goes once the answer to the previous is whole (the analysis says so), and the
 * connection is let go when the last is answered, the server ends it, its framing is
 * lost, or after `timeoutMs`.
 */
export async function sendSample(proxy: { host: string; port: number }, sample: Sample, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const analyzer = new ConnectionAnalyzer(1, 'chunkscope try', 'forward', 0, { keepChunks: false, clientIsChunkscope: true });
  const client = new ClientConnection(analyzer, clock);
  const deadline = started + timeoutMs;
  try {
    const { leg } = await openLeg({ url: new URL(`http://${proxy.host}:${proxy.port}`), timeoutSeconds: timeoutMs / 1000 }, client.handlers);
    client.attached(leg, `${proxy.host}:${proxy.port}`);
  } catch {
    return; // the proxy is not there: nothing to show
  }
  // A fatal (F-class) anomaly: nothing after it can be read as an answer.
  const lost = () => analyzer.messages('response').some((m) => m?.anomalies.some((a) => a.cls === 'F'));
  for (let k = 1; k <= sample.requests.length && !client.serverEnd; k++) {
    client.send(Buffer.from(sample.requests[k - 1]!, 'latin1'));
    if ((await client.until(() => client.answered >= k || lost(), { deadline })) !== 'ready' || lost()) break;
  }
  // Each sample's last request asks the server to close: the server ends it, as a browser would see.
  await client.until(() => false, { deadline });
  client.finish();
}
