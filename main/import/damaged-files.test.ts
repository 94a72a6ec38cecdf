// Damaged files, as the hardening review met them: each once answered with a raw
// JavaScript error (or rejected a whole capture for one byte). Now every failure is a
// sentence with a byte offset, and a damaged record is skipped, said, and the rest opens.

import { groupDigits } from '../../shared/words';
import { describe, expect, it } from 'vitest';
import { encodeEvent, RECORD_HEADER, type CaptureRecord } from '../capture/format';
import { CaptureFormatError } from '../capture/reader';
import { HarFormatError } from './har';
import { PcapFormatError } from './pcap';
import { analyseCapture } from '../analysis/capture-analysis';
import { runCli, tempFile } from '../cli/test-support/run-cli';
import { sourceOf, type SourceKind } from './source';
import { captureBytes, sampleHar, samplePcapng, sampleRecords } from './test-support/samples';

/** Open bytes as the app and inspect do: the records analysed, and the notes. */
function open(kind: SourceKind, bytes: Uint8Array) {
  const source = sourceOf(kind, bytes);
  const report = analyseCapture(source.records);
  return { report, notes: source.notes };
}

/** The sample capture with `bytes` put in after the first connection's records; where they start. */
function withRecord(bytes: Buffer): { file: Buffer; at: number } {
  const records = sampleRecords();
  const before = captureBytes(records.slice(0, 8)); // session, then c1's seven records
  return { file: Buffer.concat([before, bytes, captureBytes(records.slice(8)).subarray(10)]), at: before.length };
}

function deep(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

describe('damaged captures open with the rest, and say what was skipped', () => {
  it('a data record shorter than its header (was: "Attempt to access memory outside buffer bounds")', async () => {
    const record = Buffer.from([2, 3, 0, 0, 0, 0x61, 0x62, 0x63]);
    const { file, at } = withRecord(record);
    const { report, notes } = open('capture', file);
    expect(report.connections.map((c) => [c.id, c.exchanges[0]!.response!.terminator])).toEqual([
      ['c1', true],
      ['c2', true],
    ]);
    const said = `skipped a damaged record at byte ${at} (8 bytes skipped): a data record of 3 bytes, shorter than its 14-byte header`;
    expect(notes).toEqual([said]);
    const path = tempFile('short-data.cscap', file);
    const inspected = await runCli(['inspect', path]);
    expect([inspected.status, inspected.stderr]).toEqual([0, `chunkscope inspect: ${path}: ${said}\n`]);
  });

  it('an event nested a million deep (was: "Maximum call stack size exceeded")', async () => {
    const json = `{"type":"open","connection":2,"time":2,"client":${deep(1_000_000)},"mode":"reverse"}`;
    const records = sampleRecords();
    const before = captureBytes(records.slice(0, 8));
    const event = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from(json)]);
    event.writeUInt32LE(json.length, 1);
    const file = Buffer.concat([before, event, captureBytes(records.slice(9)).subarray(10)]);
    const { report, notes } = open('capture', file);
    expect(report.connections.map((c) => c.id)).toEqual(['c1']); // c2's records without its open are not a connection
    expect(notes).toEqual([`skipped a damaged record at byte ${before.length} (${event.length.toLocaleString('en-US')} bytes skipped): a "open" event whose client is wrong (Invalid input: expected string, received array)`]);
    const path = tempFile('deep.cscap', file);
    for (const args of [['inspect', path], ['inspect', path, '--json']]) {
      const inspected = await runCli(args);
      expect(inspected.status).toBe(0);
      expect(inspected.stderr).toMatch(new RegExp(`^chunkscope inspect: .*: skipped a damaged record at byte ${groupDigits(before.length)} .*\n$`));
    }
  });

  it('one flipped byte in an event’s JSON skips that event, not the whole capture (was: the capture refused)', async () => {
    const file = captureBytes(sampleRecords());
    const close = file.indexOf('{"type":"close","connection":1');
    file[close + 1] = 0x00; // {"type" → {\0type": not JSON
    const { report, notes } = open('capture', file);
    expect(report.connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^skipped a damaged record at byte ${groupDigits(close - RECORD_HEADER)} \\([\\d,]+ bytes skipped\\): its event is not valid JSON \\(.*\\)$`));
    const inspected = await runCli(['inspect', tempFile('flipped.cscap', file), '--json']);
    expect(inspected.status).toBe(0);
    expect(JSON.parse(inspected.stdout).connections).toHaveLength(2);
  });

  it('a damaged record length: reading resumes at the next whole record', () => {
    const file = captureBytes(sampleRecords());
    const close = file.indexOf('{"type":"close","connection":1') - RECORD_HEADER;
    file.writeUInt32LE(0x00ffffff, close + 1); // 16 MiB: far past the end of the file
    const { report, notes } = open('capture', file);
    expect(report.connections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^skipped a damaged record at byte ${close} \\(\\d+ bytes skipped\\): a record claims 16,777,215 bytes, more than the rest of the file holds$`))]);
  });

  it('an event without its fields (was: "Cannot read properties of undefined")', () => {
    const { file, at } = withRecord(encodeEvent({ type: 'close' } as unknown as CaptureRecord & { type: 'close' }));
    const { report, notes } = open('capture', file);
    expect(report.connections).toHaveLength(2);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^skipped a damaged record at byte ${groupDigits(at)} \\([\\d,]+ bytes skipped\\): a "close" event whose connection is wrong \\(.*\\)$`))]);
  });

  it('a file that is no capture at all is one sentence with its offset, and inspect exits 2', async () => {
    const header = captureBytes([]);
    header.writeUInt16LE(7, 8);
    expect(() => open('capture', header)).toThrow(new CaptureFormatError('capture format version 7 is newer than this Chunkscope reads (1)', 8));
    const inspected = await runCli(['inspect', tempFile('v7.cscap', header)]);
    expect(inspected.status).toBe(2);
    expect(inspected.stderr).toMatch(/^chunkscope inspect: .*v7\.cscap is a damaged capture: capture format version 7 is newer than this Chunkscope reads \(1\) \(at byte 8\)\n$/);
  });
});

describe('damaged HAR files', () => {
  it('a HAR of 200,000 entries opens (was: "Maximum call stack size exceeded")', () => {
    const one = { startedDateTime: '2026-11-23T10:00:00.000Z', request: { method: 'GET', url: 'http://a.test/', httpVersion: 'HTTP/1.1', headers: [] }, response: { status: 204, headers: [], content: {} } };
    const har = { log: { version: '1.2', creator: { name: 'test', version: '1' }, entries: Array.from({ length: 200_000 }, () => one) } };
    const source = sourceOf('har', Buffer.from(JSON.stringify(har)));
    let count = 0;
    for (const record of source.records) if (record.type === 'open') count++;
    expect(count).toBe(200_000); // HTTP/1.1 entries without a connection id: a connection each
  });

  it('an entry with a damaged _connection is skipped with its offset (was: "Cannot read properties of undefined")', async () => {
    const har = JSON.parse(sampleHar().toString());
    har.log.entries[1]._connection = { id: 'c2' }; // no closes
    const text = JSON.stringify(har);
    const at = Buffer.byteLength(text.slice(0, text.indexOf('{', text.indexOf('"entries":[') + 11 + JSON.stringify(har.log.entries[0]).length)));
    const { report, notes } = open('har', Buffer.from(text));
    expect(report.connections).toHaveLength(1);
    expect(notes[0]).toBe(`entry 2 (at byte ${at.toLocaleString('en-US')}) skipped: _connection.closes is missing or wrong (Invalid input: expected array, received undefined)`);
    const inspected = await runCli(['inspect', tempFile('odd.har', Buffer.from(text))]);
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toContain(`note: entry 2 (at byte ${groupDigits(at)}) skipped`);
  });

  it('a HAR that is not JSON is one sentence with the byte offset, and inspect exits 2', async () => {
    const text = sampleHar().toString();
    const at = text.indexOf('"entries"');
    const broken = Buffer.from(`${text.slice(0, at)}x${text.slice(at)}`);
    expect(() => open('har', broken)).toThrow(HarFormatError);
    expect(() => open('har', broken)).toThrow(new RegExp(`^not valid JSON: .* \\(at byte ${groupDigits(at)}\\)$`));
    const inspected = await runCli(['inspect', tempFile('broken.har', broken)]);
    expect(inspected.status).toBe(2);
    expect(inspected.stderr).toMatch(new RegExp(`^chunkscope inspect: .*broken\\.har: not valid JSON: .* \\(at byte ${groupDigits(at)}\\)\n$`));
  });
});

describe('damaged packet captures', () => {
  it('an extreme pcapng time offset (was: "Invalid time value") opens, and says which times it could not use', async () => {
    const file = samplePcapng({ tsoffset: 0x7fffffffffffffffn });
    const { report, notes } = open('pcap', file);
    expect(report.connections).toHaveLength(2);
    expect(notes).toEqual([expect.stringMatching(/^16 packets have times no clock can show \(the first at byte \d+: a damaged timestamp, or interface time offset\): each is given the time of the packet before it$/)]);
    const inspected = await runCli(['inspect', tempFile('offset.pcapng', file)]);
    expect(inspected.status, inspected.stderr).toBe(0);
  });

  it('a damaged block length is one sentence with its offset', () => {
    const file = samplePcapng();
    file.writeUInt32LE(13, 4); // the section header's length: not a multiple of 4
    expect(() => open('pcap', file)).toThrow(new PcapFormatError('pcapng block of type 0xa0d0d0a has an impossible length 13 (must be a multiple of 4, at least 12)', 4));
  });
});
