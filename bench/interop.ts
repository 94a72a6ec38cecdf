// Interop and Stream view benchmark, each figure against a baseline from the same run:
//   Stream view: items/s of StreamView (decode, parse, tie to chunks) vs the least work
//     that finds the same items (split lines + JSON.parse; saxes alone on the same XML).
//   pcap import: MB/s of pcapToCapture + analysis vs the analysis of the same bytes as a
//     capture (the cost of packet decoding and TCP reassembly).
//   HAR export: exchanges/s of captureToHar vs analysing the capture alone.

import { SaxesParser } from 'saxes';
import type { CaptureRecord } from '../main/capture/format';
import { captureToHar } from '../main/export/har';
import { pcapToCapture } from '../main/import/pcap';
import { flow, type Frame } from '../main/import/pcap/test-support/build';
import { pcapFile } from '../main/import/pcap/test-support/files';
import { analyseCapture } from '../main/analysis/capture-analysis';
import { StreamView } from '../main/stream';
import { fmt, line, median, seconds } from './report';

const CHUNK = 16 * 1024;

function pieces(body: Buffer): { bytes: Uint8Array; time: number; chunk: number }[] {
  const out = [];
  for (let at = 0, i = 0; at < body.length; at += CHUNK, i++) out.push({ bytes: body.subarray(at, at + CHUNK), time: i * 0.001, chunk: i });
  return out;
}

async function viewRate(contentType: string, body: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  const view = new StreamView({ contentType, contentEncoding: null });
  for (const piece of pieces(body)) void view.push(piece);
  await view.end({ complete: true, reason: null });
  return view.report().items.length / seconds(start);
}

function jsonBaseline(body: Buffer): number {
  const start = process.hrtime.bigint();
  let items = 0;
  for (const text of body.toString('utf8').split('\n')) {
    if (!text) continue;
    JSON.parse(text);
    items++;
  }
  return items / seconds(start);
}

function saxesBaseline(body: Buffer): number {
  const start = process.hrtime.bigint();
  const parser = new SaxesParser();
  let items = 0;
  parser.on('closetag', (tag) => void (tag.name === 'item' && items++));
  for (const piece of pieces(body)) parser.write(Buffer.from(piece.bytes).toString('utf8'));
  parser.close();
  return items / seconds(start);
}

async function interleaveAsync(rounds: number, ours: () => Promise<number>, baseline: () => number) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await ours());
    b.push(baseline());
  }
  return { ours: median(a), baseline: median(b), ratio: median(a) / median(b) };
}

/** One keep-alive connection: `count` GETs, each answered with a chunked body of `chunks` chunks. */
function exchanges(count: number, chunks: number, chunkSize: number): { request: Buffer; response: Buffer }[] {
  const data = Buffer.alloc(chunkSize, 0x61);
  const body = Buffer.concat([...Array.from({ length: chunks }, () => Buffer.concat([Buffer.from(`${chunkSize.toString(16)}\r\n`), data, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')]);
  const response = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'), body]);
  return Array.from({ length: count }, (_, i) => ({ request: Buffer.from(`GET /item/${i} HTTP/1.1\r\nHost: bench.test\r\n\r\n`), response }));
}

function asRecords(list: { request: Buffer; response: Buffer }[], segment: number): CaptureRecord[] {
  const records: CaptureRecord[] = [
    { type: 'session', version: 1, startedAt: new Date(0).toISOString(), tool: 'bench', mode: 'reverse', listen: '', reverse: null },
    { type: 'open', connection: 1, time: 0, client: '10.0.0.1:50000', mode: 'reverse' },
    { type: 'upstream', connection: 1, time: 0, upstream: '10.0.0.2:8080', target: '10.0.0.2:8080' },
  ];
  let t = 0;
  for (const e of list) {
    records.push({ type: 'data', connection: 1, stream: 0, generated: false, time: (t += 0.001), bytes: e.request });
    for (let at = 0; at < e.response.length; at += segment) records.push({ type: 'data', connection: 1, stream: 1, generated: false, time: (t += 0.0001), bytes: e.response.subarray(at, at + segment) });
  }
  records.push({ type: 'close', connection: 1, time: t, side: 'upstream', kind: 'fin', by: 'peer', detail: null }, { type: 'end', time: t });
  return records;
}

function asPcap(list: { request: Buffer; response: Buffer }[], segment: number): Buffer {
  const c = flow();
  const frames: Frame[] = [...c.handshake()];
  let acked = 0;
  for (const e of list) {
    frames.push(c.segment({ from: 'client', payload: e.request }));
    for (let at = 0; at < e.response.length; at += segment) frames.push(c.segment({ from: 'server', payload: e.response.subarray(at, at + segment) }));
    acked += e.response.length;
    frames.push(c.segment({ from: 'client', flags: 'A', ack: acked }));
  }
  frames.push(c.segment({ from: 'server', flags: 'FA' }));
  return pcapFile(frames);
}

export async function benchInterop(): Promise<void> {
  process.stdout.write('\nStream view: items/s through StreamView (16 KiB chunks, items tied to chunks), median of interleaved runs\n');
  const ndjson = Buffer.from(Array.from({ length: 100_000 }, (_, i) => `${JSON.stringify({ id: i, name: `item ${i}`, tags: ['a', 'b'], ok: true })}\n`).join(''));
  const json = await interleaveAsync(5, () => viewRate('application/x-ndjson', ndjson), () => jsonBaseline(ndjson));
  line('NDJSON, 100,000 values', [`view ${fmt(json.ours)}`, `split + JSON.parse ${fmt(json.baseline)}`, `ratio ${json.ratio.toFixed(2)}x (no target)`]);
  const rss = Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>${Array.from({ length: 20_000 }, (_, i) => `<item><title>Story ${i} – ünïcode</title><link>http://news.example/${i}</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>`).join('')}</channel></rss>`);
  const feed = await interleaveAsync(5, () => viewRate('application/rss+xml', rss), () => saxesBaseline(rss));
  line('RSS, 20,000 items', [`view ${fmt(feed.ours)}`, `saxes alone ${fmt(feed.baseline)}`, `ratio ${feed.ratio.toFixed(2)}x (no target)`]);

  process.stdout.write('\nImports and exports, against analysing the same traffic as a capture\n');
  const list = exchanges(200, 64, 4096); // 200 responses of 256 KiB: 51 MiB
  const records = asRecords(list, 1448);
  const pcap = asPcap(list, 1448);
  const wire = list.reduce((n, e) => n + e.request.length + e.response.length, 0) / 1e6;
  const pcapRuns: number[] = [];
  const captureRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    let start = process.hrtime.bigint();
    const imported = pcapToCapture(pcap);
    const report = analyseCapture(imported.records);
    if (report.connections[0]?.exchanges.length !== list.length) throw new Error('bench: the pcap import lost exchanges');
    pcapRuns.push(wire / seconds(start));
    start = process.hrtime.bigint();
    analyseCapture(records);
    captureRuns.push(wire / seconds(start));
  }
  const p = median(pcapRuns);
  const c = median(captureRuns);
  line('pcap import, 51 MiB in 1,448-byte segments', [`import + analysis ${fmt(p, 1)} MB/s`, `analysis of a capture ${fmt(c, 1)} MB/s`, `ratio ${(p / c).toFixed(2)}x (no target)`]);

  const many = asRecords(exchanges(10_000, 4, 256), 65536);
  const harRuns: number[] = [];
  const analysisRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    let start = process.hrtime.bigint();
    const har = captureToHar(many);
    JSON.stringify(har);
    harRuns.push(har.log.entries.length / seconds(start));
    start = process.hrtime.bigint();
    analyseCapture(many);
    analysisRuns.push(10_000 / seconds(start));
  }
  const h = median(harRuns);
  const a = median(analysisRuns);
  line('HAR export, 10,000 exchanges of 4 chunks', [`export + JSON ${fmt(h)} entries/s`, `analysis alone ${fmt(a)} exchanges/s`, `ratio ${(h / a).toFixed(2)}x (no target)`]);
}
