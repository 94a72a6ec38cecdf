import { describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../../shared/api';
import { bodyText, headText } from './copy';

describe('what Copy puts on the clipboard', () => {
  it("a head: its start line, then each field as sent, one a line", () => {
    const message = { startLine: 'HTTP/1.1 200 OK', headers: [['Transfer-Encoding', 'chunked'], ['X-Odd', '  spaced ']] } as unknown as MessageDetail;
    expect(headText(message)).toBe('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX-Odd:   spaced ');
  });

  it('a body as text in its charset, its byte order mark left out', () => {
    expect(bodyText(new TextEncoder().encode('{"naïve": 1}'), null)).toEqual({ text: '{"naïve": 1}', base64: false });
    expect(bodyText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x68, 0x69), { name: 'utf-8', from: 'bom', bomLength: 3 })).toEqual({ text: 'hi', base64: false });
    expect(bodyText(Uint8Array.of(0x63, 0x61, 0x66, 0xe9), { name: 'iso-8859-1', from: 'header', bomLength: 0 })).toEqual({ text: 'café', base64: false });
  });

  it('bytes that are not text (gzip as sent, an image) as base64', () => {
    const gzip = Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03);
    expect(bodyText(gzip, null)).toEqual({ text: 'H4sIAAAAAAAAAw==', base64: true });
    expect(bodyText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), null).base64).toBe(true);
    expect(bodyText(Uint8Array.of(0x61, 0x00, 0x62), null).base64).toBe(true);
  });
});
