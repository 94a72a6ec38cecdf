// The control listener of a running Chunkscope: a launched client's command (`chunkscope
// run`, `browser`) asks it for a proxy port of its own, so that its exchanges are tagged
// with it. One request per connection, one JSON line each way:
//
//   → {"token":"…","launched":"run","tag":"curl -sS https://example.test/"}
//   ← {"proxy":"http://127.0.0.1:41234"}        (or {"error":"…"})
//
// The port lives as long as that connection: when the command ends (or crashes, and
// its kernel closes the socket), the port closes. Loopback only; the token comes from
// the discovery file, which only the user can read. A web page can send anything to a
// loopback port, so nothing read here is trusted: a line is at most 4 KiB, it must come
// within 10 s, and whatever is wrong closes that connection alone.

import { timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { z } from 'zod';
import type { ClientTag } from '../capture/format';
import type { ClientPort } from '../proxy/server';

const MAX_LINE = 4096;
const FIRST_LINE_MS = 10_000;

const request = z.object({ token: z.string().max(200), launched: z.enum(['run', 'browser']), tag: z.string().min(1).max(2000) });

export type OpenClientPort = (launched: ClientTag) => Promise<ClientPort>;

export class ControlServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly token: string,
    private readonly open: OpenClientPort,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', () => undefined);
  }

  listen(host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port: 0 }, () => {
        this.server.off('error', reject);
        resolve({ host, port: (this.server.address() as net.AddressInfo).port });
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    let line = '';
    let port: ClientPort | null = null;
    let over = false;
    const finish = () => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      this.sockets.delete(socket);
      void port?.close();
      socket.destroy();
    };
    const timer = setTimeout(finish, FIRST_LINE_MS);
    socket.setEncoding('utf8');
    socket.on('error', finish);
    socket.on('close', finish);
    // After the request, bytes are read and dropped: the connection only marks the port's life.
    socket.on('end', finish);
    const onData = (text: string) => {
      line += text;
      const newline = line.indexOf('\n');
      if (newline < 0) {
        if (line.length > MAX_LINE) finish();
        return;
      }
      socket.off('data', onData);
      socket.on('data', () => undefined);
      clearTimeout(timer);
      void this.answer(line.slice(0, newline)).then(
        (granted) => {
          if (over) return void granted.port?.close();
          port = granted.port;
          socket.write(`${JSON.stringify(granted.answer)}\n`);
          if (!port) socket.end();
        },
        () => finish(),
      );
    };
    socket.on('data', onData);
  }

  private async answer(text: string): Promise<{ answer: object; port: ClientPort | null }> {
    let parsed;
    try {
      parsed = request.safeParse(JSON.parse(text));
    } catch {
      return { answer: { error: 'not a JSON request' }, port: null };
    }
    if (!parsed.success) return { answer: { error: 'not a request for a client port' }, port: null };
    const given = Buffer.from(parsed.data.token);
    const expected = Buffer.from(this.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { answer: { error: 'wrong token' }, port: null };
    try {
      const port = await this.open({ launched: parsed.data.launched, tag: parsed.data.tag });
      return { answer: { proxy: port.url }, port };
    } catch (error) {
      return { answer: { error: `no port could be opened: ${error instanceof Error ? error.message : String(error)}` }, port: null };
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port granted by a running Chunkscope: `release` ends it (so does this process ending). */
export interface GrantedPort {
  proxy: string;
  release(): void;
}

/** Ask a running Chunkscope for a client port; null with the reason when it does not answer as one. */
export function requestClientPort(control: { host: string; port: number; token: string }, launched: ClientTag, timeoutMs = 5000): Promise<GrantedPort | { refused: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: control.host, port: control.port });
    let text = '';
    let settled = false;
    const settle = (result: GrantedPort | { refused: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('refused' in result) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ refused: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', (error: NodeJS.ErrnoException) => settle({ refused: error.code === 'ECONNREFUSED' ? 'nothing listens on its control port (it is not running any more)' : error.message }));
    socket.on('close', () => settle({ refused: 'it closed the connection without an answer' }));
    socket.on('connect', () => socket.write(`${JSON.stringify({ token: control.token, ...launched })}\n`));
    socket.on('data', (piece: string) => {
      text += piece;
      const newline = text.indexOf('\n');
      if (newline < 0) return text.length > MAX_LINE ? settle({ refused: 'an answer too long' }) : undefined;
      let answer: { proxy?: unknown; error?: unknown };
      try {
        answer = JSON.parse(text.slice(0, newline)) as typeof answer;
      } catch {
        return settle({ refused: 'an answer that is not JSON' });
      }
      if (typeof answer.proxy !== 'string' || !/^http:\/\/[^/]+$/.test(answer.proxy)) return settle({ refused: typeof answer.error === 'string' ? answer.error : 'an answer without a proxy' });
      // Kept open, unreferenced: its end is the port's end, and it must not keep this process alive.
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.unref();
      settle({ proxy: answer.proxy, release: () => socket.destroy() });
    });
  });
}
