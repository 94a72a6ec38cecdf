// A browser's files, over HTTP beside the bridge's WebSocket: the session downloaded as a
// capture or HAR, some exchanges downloaded alone, a file uploaded to open, and an upload
// opened again (the page's recent files). The API's methods that take a path are the
// desktop's; a page never names a path on this machine. Token checked by the bridge.

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { exportSelection } from '../api/dispatch';
import type { Engine } from '../engine/engine';
import { fail, type RequestTarget } from './guard';

/** The largest capture a browser may upload (bigger ones: open them with `chunkscope serve --open`). */
const MAX_UPLOAD = 4 * 1024 * 1024 * 1024;
/** The longest list of exchanges a page may ask to export (100,000 ids). */
const MAX_EXPORT_REQUEST = 4 * 1024 * 1024;
/** An upload's name here: random, so a page cannot guess another's, and a restarted serve never reuses one. */
const UPLOAD_ID = /^upload-[0-9a-f]{32}$/;
/** The header that tells a page the id of its upload, to open it again later. */
export const UPLOAD_HEADER = 'X-Chunkscope-Upload';

const exportSelectionSchema = z.object(exportSelection).strict();

export class FileRoutes {
  private readonly uploads = mkdtempSync(join(tmpdir(), 'chunkscope-uploads-'));

  constructor(private readonly engine: Engine) {}

  /** Answers the request when its path is one of these routes; false otherwise. */
  route(req: http.IncomingMessage, res: http.ServerResponse, target: RequestTarget): Promise<void> | null {
    switch (target.path) {
      case '/api/capture':
        return this.capture(req, res, target);
      case '/api/har':
        return this.har(req, res, target);
      case '/api/export':
        return this.exportSelected(req, res);
      case '/api/reopen':
        return this.reopen(req, res, target);
      default:
        return null;
    }
  }

  /** GET: download the session as HAR 1.2 (`maxBody` bytes per body, default 1 MiB). */
  private async har(req: http.IncomingMessage, res: http.ServerResponse, target: RequestTarget): Promise<void> {
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    try {
      const maxBody = target.query.get('maxBody');
      // Built and written in the engine's worker thread, then sent from the file: the relay goes on meanwhile.
      const har = await this.engine.harFile(maxBody !== null && /^\d+$/.test(maxBody) ? Number(maxBody) : undefined);
      const name = `chunkscope-${stamp()}.har`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      await pipeline(createReadStream(har.path), res).finally(har.done);
    } catch (error) {
      fail(res, 400, message(error));
    }
  }

  /**
   * POST `{"ids": [...], "format": "capture" | "har", "maxBodyBytes"?: N}`: download those
   * exchanges alone (the API's exportSelected, which takes a path, is the desktop's).
   */
  private async exportSelected(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    if (!sameOrigin(req)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const selection = exportSelectionSchema.safeParse(await readJson(req, MAX_EXPORT_REQUEST));
      if (!selection.success) return fail(res, 400, `say which exchanges to export: ${selection.error.issues.map((i) => `${i.path.join('.') || 'the request'} ${i.message}`).join('; ')}`);
      const exported = await this.engine.exportFile(selection.data);
      const name = `chunkscope-${exported.exchanges}-exchanges-${stamp()}.${exported.format === 'har' ? 'har' : 'cscap'}`;
      res.writeHead(200, {
        'Content-Type': exported.format === 'har' ? 'application/json' : 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Content-Length': exported.bytes,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      await pipeline(createReadStream(exported.path), res).finally(exported.done);
    } catch (error) {
      fail(res, 400, message(error));
    }
  }

  /** GET: download the session's capture. POST: open an uploaded capture (or a HAR, or a pcap); its id comes back in UPLOAD_HEADER. */
  private async capture(req: http.IncomingMessage, res: http.ServerResponse, target: RequestTarget): Promise<void> {
    try {
      if (req.method === 'GET') {
        // The capture as of now, ending cleanly (the live file goes on growing behind it).
        const copy = await this.engine.captureCopy();
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="chunkscope-${stamp()}.cscap"`, 'Content-Length': copy.size + copy.tail.length });
        if (copy.size > 0) await pipeline(createReadStream(copy.path, { end: copy.size - 1 }), res, { end: false });
        res.end(copy.tail);
        copy.sent();
        return;
      }
      if (req.method === 'POST') {
        if (!sameOrigin(req)) {
          res.writeHead(403).end();
          return;
        }
        const length = Number(req.headers['content-length'] ?? NaN);
        if (!Number.isSafeInteger(length) || length > MAX_UPLOAD) {
          res.writeHead(413, { 'Content-Type': 'text/plain' }).end('send the capture with a Content-Length below 4 GiB\n');
          return;
        }
        const id = `upload-${randomBytes(16).toString('hex')}`;
        const path = join(this.uploads, id);
        await pipeline(req, createWriteStream(path, { mode: 0o600 })).catch((error: unknown) => {
          rmSync(path, { force: true }); // a partial upload is of no use
          throw error;
        });
        const info = await this.engine.openCapture({ path }, uploadName(target.query.get('name')));
        res.writeHead(200, { 'Content-Type': 'application/json', [UPLOAD_HEADER]: id }).end(JSON.stringify(info));
        return;
      }
      res.writeHead(405, { Allow: 'GET, POST' }).end();
    } catch (error) {
      fail(res, 400, message(error));
    }
  }

  /**
   * POST `?upload=ID&name=NAME`: open again a file this page uploaded earlier. Uploads are
   * kept while `chunkscope serve` runs: after it restarts, the file is gone, and the answer
   * (404) says so and what to do.
   */
  private async reopen(req: http.IncomingMessage, res: http.ServerResponse, target: RequestTarget): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    if (!sameOrigin(req)) {
      res.writeHead(403).end();
      return;
    }
    const id = target.query.get('upload') ?? '';
    const name = uploadName(target.query.get('name'));
    const path = join(this.uploads, id);
    if (!UPLOAD_ID.test(id) || !existsSync(path)) {
      return fail(res, 404, `${name} is gone: Chunkscope keeps the files a browser opened only while chunkscope serve runs (it has restarted since). Open the file again with Open…`);
    }
    try {
      const info = await this.engine.openCapture({ path }, name);
      res.writeHead(200, { 'Content-Type': 'application/json', [UPLOAD_HEADER]: id }).end(JSON.stringify(info));
    } catch (error) {
      fail(res, 400, message(error));
    }
  }

  close(): void {
    rmSync(this.uploads, { recursive: true, force: true });
  }
}

/** A page of this bridge, or no browser at all (a browser sends Origin with a POST). */
function sameOrigin(req: http.IncomingMessage): boolean {
  return req.headers.origin === undefined || req.headers.origin === `http://${req.headers.host}`;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A request's body as JSON, refused past `limit` bytes. */
async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const pieces: Buffer[] = [];
  let length = 0;
  for await (const piece of req as AsyncIterable<Buffer>) {
    length += piece.length;
    if (length > limit) throw new Error(`the request is longer than ${limit} bytes`);
    pieces.push(piece);
  }
  try {
    return JSON.parse(Buffer.concat(pieces).toString('utf8'));
  } catch {
    throw new Error('the request is not JSON');
  }
}

/** The name a page gives its upload, shown as what is being viewed: one line, no folders, not too long. */
function uploadName(name: string | null): string {
  const printable = [...(name ?? '')].filter((c) => c.charCodeAt(0) >= 0x20 && (c.charCodeAt(0) < 0x7f || c.charCodeAt(0) > 0x9f)).join('');
  const base = printable.split(/[\\/]/).pop()!.trim().slice(0, 200);
  return base === '' ? 'an uploaded file' : base;
}
