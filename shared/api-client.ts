// The API's methods as functions over any transport that can send a method's name and
// argument and bring its answer back: the Electron preload (IPC) and the browser's
// WebSocket both build their client here, from the one map of shared/api.ts.

import { API, API_METHODS, type ApiMethod, type ApiMethods } from './api';

export type Invoke = (method: ApiMethod, args: unknown) => Promise<unknown>;

/**
 * A client of every method. `where`: a browser cannot use the methods that take a path on
 * this machine; they answer with a sentence saying what a browser does instead. The ones
 * that run a program are sent: the bridge takes them when serve was started with
 * --allow-commands, and says why not otherwise.
 */
export function apiClient(invoke: Invoke, where: 'desktop' | 'browser'): ApiMethods {
  const client: Partial<Record<ApiMethod, (args?: unknown) => Promise<unknown>>> = {};
  for (const name of API_METHODS) {
    client[name] =
      where === 'browser' && API[name].where === 'desktop' && !API[name].runs
        ? () => Promise.reject(new Error(`${name} takes a path on this machine: in a browser, captures are opened by upload and saved by download`))
        : (args?: unknown) => invoke(name, args);
  }
  // Each entry sends its own name with its argument, and the answer is the engine's to
  // that method (checked against its schema there): the map's types hold for every entry.
  return client as ApiMethods;
}
