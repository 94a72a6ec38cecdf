// The bridge between the sandboxed renderer and main: one method per channel, never
// ipcRenderer itself (Electron's security guide), and subscriptions that return an
// unsubscribe function. Bundled as CommonJS: sandboxed preloads cannot be ES modules.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  IPC_CHOOSE_EXPORT,
  IPC_CHOOSE_OPEN,
  IPC_CHOOSE_SAVE,
  IPC_CHOOSE_SAVE_HAR,
  IPC_COPY,
  IPC_OPEN_RECENT,
  IPC_PREFIX,
  IPC_RECENT,
  IPC_UPDATE,
  type ChunkscopeApi,
  type ExportSelection,
  type UpdateBatch,
} from '../../shared/api';
import { apiClient } from '../../shared/api-client';

const api: ChunkscopeApi = {
  ...apiClient((method, args) => ipcRenderer.invoke(`${IPC_PREFIX}${method}`, args), 'desktop'),
  onUpdate(listener: (batch: UpdateBatch) => void) {
    const wrapped = (_event: IpcRendererEvent, batch: UpdateBatch) => listener(batch);
    ipcRenderer.on(IPC_UPDATE, wrapped);
    return () => ipcRenderer.removeListener(IPC_UPDATE, wrapped);
  },
  desktop: {
    chooseCaptureToOpen: () => ipcRenderer.invoke(IPC_CHOOSE_OPEN),
    chooseWhereToSave: () => ipcRenderer.invoke(IPC_CHOOSE_SAVE),
    chooseWhereToSaveHar: (maxBodyBytes?: number) => ipcRenderer.invoke(IPC_CHOOSE_SAVE_HAR, maxBodyBytes),
    chooseWhereToExport: (selection: ExportSelection) => ipcRenderer.invoke(IPC_CHOOSE_EXPORT, selection),
    pathForFile: (file: File) => webUtils.getPathForFile(file),
    // The clipboard is main's: a sandboxed preload has no clipboard module.
    copyText: (text: string) => ipcRenderer.invoke(IPC_COPY, text),
    recentFiles: () => ipcRenderer.invoke(IPC_RECENT),
    openRecent: (path: string) => ipcRenderer.invoke(IPC_OPEN_RECENT, path),
  },
};

contextBridge.exposeInMainWorld('chunkscope', api);
