// The browser transport: the API over the loopback WebSocket of `chunkscope serve`,
// authenticated by the token in the page's URL. Reconnects; the engine then sends the
// whole session again.

import type { ApiMethod, BridgeMessage, ChunkscopeApi, ExportSelection, SessionInfo, UpdateBatch } from '../../../shared/api';
import { apiClient } from '../../../shared/api-client';

/** The bridge's header naming an upload (main/bridge/file-routes.ts UPLOAD_HEADER). */
const UPLOAD_HEADER = 'X-Chunkscope-Upload';

export type TransportState = 'connecting' | 'connected' | 'disconnected';

export function createWebSocketApi(where: Location, onState: (state: TransportState) => void): ChunkscopeApi {
  const token = new URLSearchParams(where.search).get('token') ?? '';
  const url = `${where.protocol === 'https:' ? 'wss' : 'ws'}://${where.host}/api/ws?token=${encodeURIComponent(token)}`;
  const listeners = new Set<(batch: UpdateBatch) => void>();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  const waiting: (() => void)[] = [];
  let delay = 250;

  const connect = () => {
    onState('connecting');
    socket = new WebSocket(url);
    socket.onopen = () => {
      delay = 250;
      onState('connected');
      for (const go of waiting.splice(0)) go();
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as BridgeMessage;
      if (message.type === 'update') for (const l of listeners) l(message.batch);
      else {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'result') call?.resolve(message.result);
        else call?.reject(new Error(message.error));
      }
    };
    socket.onclose = () => {
      onState('disconnected');
      for (const call of pending.values()) call.reject(new Error('the connection to Chunkscope closed'));
      pending.clear();
      setTimeout(connect, delay);
      delay = Math.min(5000, delay * 2);
    };
  };
  connect();

  const request = (method: ApiMethod, args: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const send = () => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket!.send(JSON.stringify({ id, method, args }));
      };
      if (socket?.readyState === WebSocket.OPEN) send();
      else waiting.push(send);
    });

  const api: ChunkscopeApi = {
    ...apiClient(request, 'browser'),
    onUpdate(listener: (batch: UpdateBatch) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    browser: {
      async uploadCapture(name: string, bytes: ArrayBuffer) {
        const response = await fetch(`/api/capture?token=${encodeURIComponent(token)}&name=${encodeURIComponent(name)}`, { method: 'POST', body: bytes });
        if (!response.ok) throw new Error((await response.text()).trim() || `upload failed (${response.status})`);
        return { session: (await response.json()) as SessionInfo, upload: response.headers.get(UPLOAD_HEADER) };
      },
      async reopenUpload(upload: string, name: string) {
        const response = await fetch(`/api/reopen?token=${encodeURIComponent(token)}&upload=${encodeURIComponent(upload)}&name=${encodeURIComponent(name)}`, { method: 'POST' });
        if (!response.ok) throw new Error((await response.text()).trim() || `opening ${name} again failed (${response.status})`);
        return (await response.json()) as SessionInfo;
      },
      downloadUrl: () => `/api/capture?token=${encodeURIComponent(token)}`,
      harUrl: (maxBodyBytes?: number) => `/api/har?token=${encodeURIComponent(token)}${maxBodyBytes === undefined ? '' : `&maxBody=${maxBodyBytes}`}`,
      async exportSelected(selection: ExportSelection) {
        const response = await fetch(`/api/export?token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(selection) });
        if (!response.ok) throw new Error((await response.text()).trim() || `the export failed (${response.status})`);
        const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `chunkscope-export.${selection.format === 'har' ? 'har' : 'cscap'}`;
        return { blob: await response.blob(), name };
      },
    },
  };
  return api;
}
