import { describe, expect, it } from 'vitest';
import { detectCharset, imageType } from './body';

// No Node here: shared/ is compiled for the renderer too.
const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const base64 = (text: string) => bytes(atob(text));
const of = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Real images of one pixel (a PNG, a GIF, a lossless WebP). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const GIF = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';
const WEBP = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==';

describe("a body's charset", () => {
  it('a byte order mark first, as browsers read it, then the header', () => {
    expect(detectCharset('text/plain; charset=iso-8859-1', of([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ name: 'utf-8', from: 'bom', bomLength: 3 });
    expect(detectCharset(null, of([0xff, 0xfe, 0x41, 0]))).toEqual({ name: 'utf-16le', from: 'bom', bomLength: 2 });
    expect(detectCharset(null, of([0xfe, 0xff, 0, 0x41]))).toEqual({ name: 'utf-16be', from: 'bom', bomLength: 2 });
    expect(detectCharset('text/html; Charset="Windows-1252"', bytes('<p>'))).toEqual({ name: 'windows-1252', from: 'header', bomLength: 0 });
  });

  it("then the document's own declaration, then the format's default, else nothing", () => {
    expect(detectCharset('application/rss+xml', bytes('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'))).toEqual({ name: 'iso-8859-1', from: 'declaration', bomLength: 0 });
    expect(detectCharset('text/html', bytes('<!doctype html><html><head><meta charset="shift_jis">'))).toEqual({ name: 'shift_jis', from: 'declaration', bomLength: 0 });
    expect(detectCharset('text/html', bytes('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'))).toEqual({ name: 'koi8-r', from: 'declaration', bomLength: 0 });
    expect(detectCharset('application/json', bytes('{}'))).toEqual({ name: 'utf-8', from: 'default', bomLength: 0 });
    expect(detectCharset('application/problem+json', bytes('{}'))!.name).toBe('utf-8');
    expect(detectCharset('text/plain', bytes('hello'))).toBe(null);
    expect(detectCharset(null, new Uint8Array(0))).toBe(null);
  });
});

describe('an image told by its first bytes', () => {
  it('PNG, GIF, JPEG, WebP, BMP, ICO, AVIF and SVG; anything else is not one', () => {
    expect(imageType(base64(PNG))).toEqual({ type: 'png', mime: 'image/png' });
    expect(imageType(base64(GIF))).toEqual({ type: 'gif', mime: 'image/gif' });
    expect(imageType(of([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]))).toMatchObject({ type: 'jpeg' });
    expect(imageType(base64(WEBP))).toMatchObject({ type: 'webp' });
    expect(imageType(of(bytes('BM'), new Uint8Array(60)))).toMatchObject({ type: 'bmp' });
    expect(imageType(of([0, 0, 1, 0, 1, 0, 16, 16]))).toMatchObject({ type: 'ico' });
    expect(imageType(of([0, 0, 0, 0x1c], bytes('ftypavif')))).toMatchObject({ type: 'avif' });
    expect(imageType(bytes('<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatchObject({ type: 'svg', mime: 'image/svg+xml' });
    expect(imageType(bytes('<html><svg></svg></html>'))).toBe(null);
    expect(imageType(bytes('{"png": true}'))).toBe(null);
    expect(imageType(new Uint8Array(0))).toBe(null);
  });
});
