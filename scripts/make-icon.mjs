// Draws resources/icon.png (512x512): a run of chunks of different sizes, the last one
// missing. Run it when the icon should change; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 512;
const pixels = Buffer.alloc(size * size * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * size + x) * 4;
  pixels[i] = r;
  pixels[i + 1] = g;
  pixels[i + 2] = b;
  pixels[i + 3] = a;
};
const rounded = (x, y, x0, y0, x1, y1, radius) => {
  const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
  const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
};
const background = [36, 88, 214, 255];
const chunk = [255, 255, 255, 255];
const missing = [255, 255, 255, 90];
const bars = [
  [76, 300, 150, 0.9],
  [170, 230, 214, 0.9],
  [234, 330, 278, 0.9],
  [298, 260, 342, 0.9],
];
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    if (!rounded(x, y, 16, 16, 496, 496, 96)) continue;
    set(x, y, background);
    for (const [x0, top, x1] of bars) if (x >= x0 && x < x1 && rounded(x, y, x0, top, x1, 420, 10)) set(x, y, chunk);
    // The last chunk: an outline only (it never came).
    const inLast = rounded(x, y, 362, 380, 436, 420, 10);
    const inInner = rounded(x, y, 370, 388, 428, 412, 4);
    if (inLast && !inInner) set(x, y, missing);
  }
}
const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunkOf = (type, data) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunkOf('IHDR', ihdr), chunkOf('IDAT', deflateSync(raw, { level: 9 })), chunkOf('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('../resources/icon.png', import.meta.url), png);
