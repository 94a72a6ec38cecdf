// Real clients reading a body as it streams through the proxy, their bytes readable at
// any moment: curl --no-buffer (main/rules/test-support/held.ts) and Node's fetch (undici,
// which Node's fetch is, with its ProxyAgent to go through the proxy).
import { fetch, ProxyAgent } from 'undici';
import { curlStream, type StreamingClient } from '../../main/rules/test-support/held';

export type { StreamingClient } from '../../main/rules/test-support/held';

export function curlThrough(proxy: string, url: string, args: string[] = []): StreamingClient {
  return curlStream(url, () => undefined, ['-x', proxy, ...args]);
}

/** fetch through the proxy, reading the body stream one read at a time. */
export function fetchThrough(proxy: string, url: string): StreamingClient {
  let output = '';
  const dispatcher = new ProxyAgent(proxy);
  const done = (async () => {
    try {
      const response = await fetch(url, { dispatcher });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder('latin1');
      for (;;) {
        const { value, done: over } = await reader.read();
        if (over) break;
        output += decoder.decode(value, { stream: true });
      }
      return { status: response.status, output, stderr: '' };
    } finally {
      await dispatcher.close();
    }
  })();
  return { received: () => output, done };
}
