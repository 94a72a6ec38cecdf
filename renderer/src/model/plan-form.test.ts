import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestPlan } from '../../../shared/plan';
import { bytesToText, textToBytes } from './bytes-text';
import { chunkOf, dataField, fieldData, joinRequestLine, LAST_CHUNK, followSize, framingOf, joinField, splitField, splitRequestLine, withFraming } from './plan-form';

const request = (fields: string[], body: RequestPlan['body'] = []): RequestPlan => ({ pauseBefore: 0, head: { kind: 'lines', startLine: 'POST /up HTTP/1.1', fields }, body });

describe("bytes in the composer's fields", () => {
  it('show text as text, and every other byte as an escape that reads back to it', () => {
    expect(bytesToText('hello\r\n')).toBe('hello\\r\\n');
    expect(bytesToText('caf\xc3\xa9 \\ \x00\x7f\xff')).toBe('café \\\\ \\0\\x7f\\xff');
    expect(textToBytes('café\\r\\n\\x41')).toEqual({ bytes: 'caf\xc3\xa9\r\nA', error: null });
    expect(textToBytes('😀')).toEqual({ bytes: '\xf0\x9f\x98\x80', error: null });
  });

  it('say where an escape is broken', () => {
    expect(textToBytes('ab\\q')).toEqual({ bytes: null, error: '"\\q" is not an escape: use \\r, \\n, \\t, \\0, \\\\ or \\xHH (two hex digits)', column: 2 });
    expect(textToBytes('\\x4')).toMatchObject({ column: 0 });
  });

  it('any bytes at all read back unchanged (property)', () => {
    const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(fc.property(bytes, (b) => {
          expect(textToBytes(bytesToText(b))).toEqual({ bytes: b, error: null });
        }), { numRuns: 2000, seed: 18 });
  });
});

describe('the head in parts', () => {
  it('splits a request line in three parts that join back exactly, a part left empty included', () => {
    expect(splitRequestLine('POST http://x/up HTTP/1.1')).toEqual({ method: 'POST', target: 'http://x/up', version: 'HTTP/1.1' });
    expect(splitRequestLine('GET /a b HTTP/1.1')).toEqual({ method: 'GET', target: '/a b', version: 'HTTP/1.1' });
    for (const line of ['GET  / HTTP/1.1', '  HTTP/1.1', 'GET / ']) expect(joinRequestLine(splitRequestLine(line)!)).toBe(line);
    expect(splitRequestLine('GET /')).toBeNull();
  });

  it('keeps a field line exactly: case, the separator, a line with no colon', () => {
    for (const line of ['X-Sum: 42', 'host:x', 'A:\t b ', 'no colon here', 'Empty:']) expect(joinField(splitField(line))).toBe(line);
    expect(splitField('X-Sum:  42')).toEqual({ name: 'X-Sum', separator: ':  ', value: '42' });
    expect(joinField({ name: 'X-New', separator: '', value: '1' })).toBe('X-New: 1');
  });
});

describe('the framing of a body', () => {
  it('is read from the steps and the fields', () => {
    expect(framingOf(request([]))).toBe('none');
    expect(framingOf(request(['Content-Length: auto'], [{ step: 'bytes', data: [{ bytes: 'hi' }] }]))).toBe('content-length');
    expect(framingOf(request([], [{ step: 'bytes', data: [{ bytes: 'hi' }] }]))).toBe('bytes');
    const chunk = chunkOf([{ bytes: 'hi' }]);
    const last = { ...LAST_CHUNK };
    expect(framingOf(request(['Transfer-Encoding: chunked'], [chunk, { step: 'pause', ms: 5 }, chunk, last]))).toBe('chunked');
    expect(framingOf(request(['Transfer-Encoding: chunked'], [chunk]))).toBe('chunked'); // no last chunk, on purpose
    // What the form cannot show: garbage after the last chunk, bytes between chunks.
    expect(framingOf(request([], [chunk, last, { step: 'bytes', data: [{ bytes: 'x' }] }]))).toBeNull();
    expect(framingOf(request([], [last, chunk]))).toBeNull();
  });

  it('changes: the framing field replaced where it stood, the data carried over', () => {
    const sized = request(['Host: x', 'Content-Length: 5', 'Accept: */*'], [{ step: 'bytes', data: [{ bytes: 'hello' }] }]);
    const chunked = withFraming(sized, 'chunked');
    expect(chunked.head).toEqual({ kind: 'lines', startLine: 'POST /up HTTP/1.1', fields: ['Host: x', 'Transfer-Encoding: chunked', 'Accept: */*'] });
    expect(chunked.body).toEqual([
      { step: 'chunk', size: '5', extensions: '', lineEnd: '\r\n', data: [{ bytes: 'hello' }], dataEnd: '\r\n' },
      { step: 'last-chunk', size: '0', extensions: '', lineEnd: '\r\n', trailers: [], end: '\r\n' },
    ]);
    const back = withFraming(chunked, 'content-length');
    expect(back.head).toEqual({ kind: 'lines', startLine: 'POST /up HTTP/1.1', fields: ['Host: x', 'Content-Length: auto', 'Accept: */*'] });
    expect(back.body).toEqual([{ step: 'bytes', data: [{ bytes: 'hello' }] }]);
    expect(withFraming(back, 'none')).toMatchObject({ head: { fields: ['Host: x', 'Accept: */*'] }, body: [] });
  });
});

describe("a chunk's size token", () => {
  it('follows its data the way it was written, unless it lies on purpose', () => {
    expect(followSize('5', 5, 12)).toBe('c');
    expect(followSize('5DC', 1500, 1501)).toBe('5DD');
    expect(followSize('05dc', 1500, 16)).toBe('0010');
    expect(followSize('0', 0, 3)).toBe('3');
    expect(followSize('10', 5, 6)).toBe('10'); // a size that lies stays
    expect(followSize('5G', 5, 6)).toBe('5G');
  });
});

describe("a step's data in a field", () => {
  it('shows a repeat as its text and times, short data as text, long data not at all', () => {
    expect(dataField([{ repeat: 'x', times: 1500 }])).toEqual({ text: 'x', times: 1500, editable: true, length: 1500 });
    expect(dataField([{ bytes: 'ab\r\n' }, { repeat: 'c', times: 2 }])).toEqual({ text: 'ab\\r\\ncc', times: 1, editable: true, length: 6 });
    expect(dataField([{ bytes: 'z'.repeat(70_000) }])).toMatchObject({ editable: false, length: 70_000 });
  });

  it('reads a field back as data, or says where it is wrong', () => {
    expect(fieldData('a\\r\\n', 1)).toEqual({ data: [{ bytes: 'a\r\n' }], error: null });
    expect(fieldData('x', 1500)).toEqual({ data: [{ repeat: 'x', times: 1500 }], error: null });
    expect(fieldData('', 3)).toEqual({ data: [], error: null });
    expect(fieldData('a\\', 1).error).toMatch(/^column 2: "\\" is not an escape/);
  });
});
