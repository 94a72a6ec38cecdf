// "Try it" in the app: a sample of the lab's scenarios sent through the proxy, so a
// first-time user sees each kind of trouble without setting up a client. Raw sockets:
// the malformed and reset scenarios must not stop the others.

import net from 'node:net';

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

/** Send one sample through the proxy; resolves when the connection ends or after `timeoutMs`. */
export function sendSample(proxy: { host: string; port: number }, sample: Sample, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(proxy.port, proxy.host);
    let next = 0;
    let answered = 0;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const send = () => {
      if (next < sample.requests.length) socket.write(sample.requests[next++]!);
    };
    socket.on('connect', send);
    // One request at a time: the next goes once an answer's bytes have arrived and
    // gone quiet for a moment (the lab's answers are small and complete quickly).
    let quiet: NodeJS.Timeout | null = null;
    socket.on('data', () => {
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => {
        answered++;
        if (answered < sample.requests.length) send();
      }, 300);
    });
    socket.on('error', done);
    socket.on('close', () => {
      if (quiet) clearTimeout(quiet);
      done();
    });
  });
}
