// A client that misbehaves on purpose, as old HTTP libraries did: it reads a chunked
// response until the zero-length last chunk and ignores the server's FIN, so when the
// last chunk never comes it waits for ever, blocked, using no CPU. Usage: node
// waits-for-last-chunk.mjs URL
import net from 'node:net';

const url = new URL(process.argv[2]);
// allowHalfOpen: the server's FIN does not close the socket; the timer is the wait for
// the last chunk, which keeps the process alive (without it, Node would exit at the FIN).
const socket = net.connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
setInterval(() => {}, 60_000);
let received = Buffer.alloc(0);
socket.on('connect', () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`));
socket.on('data', (bytes) => {
  received = Buffer.concat([received, bytes]);
  if (received.includes('\r\n0\r\n\r\n')) process.exit(0);
});
socket.on('end', () => {}); // the FIN: ignored, still waiting for the last chunk
socket.on('error', () => process.exit(1));
