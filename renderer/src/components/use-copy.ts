// Copy, from the detail or the list's menu: the text is made (model/copy.ts), from the row,
// the exchange's detail or its body read in slices, then put on the clipboard: Electron's
// (through main) in the desktop, the Clipboard API in a browser. The status bar says what.

import type { ChunkscopeApi, ExchangeRow } from '../../../shared/api';
import { rowUrl } from '../../../shared/exchange-url';
import { byteCount } from '../../../shared/words';
import { useApi, useAppStore } from '../context';
import { COPY_LIMIT, bodyText, fromBase64, headText, type CopyItem } from '../model/copy';

/** Slices asked for at a time (the API's most). */
const SLICE = 1024 * 1024;

export async function writeClipboard(api: ChunkscopeApi, text: string): Promise<void> {
  if (api.desktop) return api.desktop.copyText(text);
  if (!navigator.clipboard) throw new Error('this page cannot reach the clipboard (it needs http://127.0.0.1 or localhost)');
  return navigator.clipboard.writeText(text);
}

/** The text of `item` for exchange `row`, and what the status bar says of it. */
async function textOf(api: ChunkscopeApi, row: ExchangeRow, item: CopyItem): Promise<{ text: string; said: string }> {
  const label = item.label.toLowerCase().replace(/^url$/, 'URL');
  if (item.what === 'url') {
    const url = rowUrl(row);
    if (url === null) throw new Error('this exchange has no request line yet: no URL to copy');
    return { text: url, said: `copied the URL ${url}` };
  }
  if (item.what === 'headers') {
    const detail = await api.exchangeDetail({ id: row.id });
    const message = item.direction === 'request' ? detail.request : detail.response;
    if (!message) throw new Error(`this exchange has no ${item.direction} yet: no headers to copy`);
    return { text: headText(message), said: `copied the ${label} (${message.headers.length} fields)` };
  }
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const slice = await api.body({ id: row.id, direction: item.direction!, form: item.form!, offset, length: Math.min(SLICE, COPY_LIMIT - offset) });
    const bytes = fromBase64(slice.bytes);
    pieces.push(bytes);
    offset += bytes.length;
    const whole = offset >= slice.size;
    if (whole || bytes.length === 0 || offset >= COPY_LIMIT) {
      if (offset === 0) throw new Error(`the ${item.direction} has no body: nothing to copy`);
      const all = new Uint8Array(offset);
      let at = 0;
      for (const piece of pieces) {
        all.set(piece, at);
        at += piece.length;
      }
      const { text, base64 } = bodyText(all, slice.charset);
      const cut = whole ? '' : `, the first ${byteCount(offset)} of ${byteCount(slice.size)}`;
      const removed = slice.removed.length > 0 ? ` (${slice.removed.join(', ')} removed)` : '';
      return { text, said: `copied the ${label}${removed}: ${byteCount(offset)}${cut}${base64 ? ', as base64: it is not text' : ''}` };
    }
  }
}

export function useCopy(): (row: ExchangeRow, item: CopyItem) => Promise<void> {
  const api = useApi();
  const store = useAppStore();
  return async (row, item) => {
    try {
      const { text, said } = await textOf(api, row, item);
      await writeClipboard(api, text);
      store.getState().notify(said);
    } catch (error) {
      store.getState().notify(`copy: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
