// A client that misbehaves on purpose, as the feed reader did: it polls its socket in a
// loop that never blocks, so while it waits for the last chunk (for ever, when the server
// closes without it) it keeps a CPU busy. Usage: node busy-waits.mjs URL
import net from 'node:net';

const url = new URL(process.argv[2]);
const socket = net.connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
socket.pause();
let received = Buffer.alloc(0);
socket.on('connect', () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`));
socket.on('end', () => {});
socket.on('error', () => process.exit(1));
// setImmediate never waits: the loop spins whether or not a byte is there.
const poll = () => {
  for (let bytes = socket.read(); bytes !== null; bytes = socket.read()) received = Buffer.concat([received, bytes]);
  if (received.includes('\r\n0\r\n\r\n')) process.exit(0);
  setImmediate(poll);
};
poll();
