// One dispatcher for both transports: the method must be one of shared/api.ts, and its
// arguments must match their schema, because types vanish at run time and the caller
// (a renderer, a page in a browser) is not trusted.

import { z } from 'zod';
import { API, type ApiMethod, type ApiRequests } from '../../shared/api';
import { EXCHANGE_ID } from '../../shared/exchange-id';
import { HELD_DATA_LIMIT, MAX_HOLD_SECONDS } from '../../shared/breakpoints';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { planSchema } from '../compose/schema';
import { MAX_COMMENT } from '../engine/marks';

const exchangeIdSchema = z.string().regex(EXCHANGE_ID);
const heldMessage = { id: exchangeIdSchema, direction: z.enum(['request', 'response']) };
/** A step's arguments: one shape per action (shared/breakpoints.ts StepAction). */
const stepSchema = z.discriminatedUnion('action', [
  z.object({ ...heldMessage, action: z.literal('next') }).strict(),
  z.object({ ...heldMessage, action: z.literal('rest') }).strict(),
  z
    .object({
      ...heldMessage,
      action: z.literal('edit'),
      head: z.string().max(64 * 1024).optional(),
      sizeLine: z.string().max(4096).optional(),
      data: z.base64().max(Math.ceil(HELD_DATA_LIMIT / 3) * 4).optional(),
    })
    .strict(),
  z.object({ ...heldMessage, action: z.literal('drop-last-chunk') }).strict(),
  z.object({ ...heldMessage, action: z.literal('stall'), seconds: z.number().positive().max(MAX_HOLD_SECONDS).optional() }).strict(),
  z.object({ ...heldMessage, action: z.literal('end'), how: z.enum(['fin', 'rst']) }).strict(),
]);
const sessionId = z.string().regex(/^(live|s\d{1,9})$/);
const none = z.union([z.undefined(), z.null(), z.object({}).strict()]);

/** Exchanges to export alone (the API's exportSelected; the bridge's download of them). */
export const exportSelection = {
  ids: z.array(exchangeIdSchema).min(1).max(100_000),
  format: z.enum(['capture', 'har']),
  maxBodyBytes: z.number().int().nonnegative().optional(),
};

const schemas: { [M in ApiMethod]: z.ZodType<unknown> } = {
  hello: none,
  setCapturing: z.object({ on: z.boolean() }).strict(),
  clear: none,
  selectSession: z.object({ id: sessionId }).strict(),
  closeSession: z.object({ id: sessionId }).strict(),
  exchangeDetail: z
    .object({
      id: exchangeIdSchema,
      chunksFrom: z.object({ request: z.number().int().nonnegative(), response: z.number().int().nonnegative() }).strict().optional(),
    })
    .strict(),
  raw: z
    .object({
      connection: z.number().int().positive(),
      stream: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
      offset: z.number().int().nonnegative(),
      length: z.number().int().nonnegative().max(1024 * 1024),
    })
    .strict(),
  setMark: z.object({ id: exchangeIdSchema, pinned: z.boolean(), comment: z.string().max(MAX_COMMENT) }).strict(),
  setRules: z.object({ rules: z.array(z.object({ text: z.string().max(1000), enabled: z.boolean() }).strict()).max(100) }).strict(),
  step: stepSchema,
  heldData: z.object(heldMessage).strict(),
  setReleaseAfter: z.object({ seconds: z.number().positive().max(MAX_HOLD_SECONDS) }).strict(),
  tryLab: none,
  openCapture: z.object({ path: z.string().min(1).max(4096) }).strict(),
  saveCapture: z.object({ path: z.string().min(1).max(4096) }).strict(),
  saveHar: z.object({ path: z.string().min(1).max(4096), maxBodyBytes: z.number().int().nonnegative().optional() }).strict(),
  exportSelected: z.object({ ...exportSelection, path: z.string().min(1).max(4096) }).strict(),
  curlCommand: z.object({ id: exchangeIdSchema }).strict(),
  streamView: z.object({ id: exchangeIdSchema, from: z.number().int().nonnegative().optional() }).strict(),
  webSocketMessages: z.object({ id: exchangeIdSchema, from: z.number().int().nonnegative().optional() }).strict(),
  clientSetup: none,
  launchBrowser: z
    .object({
      // A name from clientSetup's list, never a path: no caller of the API may start a program of its choosing.
      browser: z.string().regex(/^[A-Za-z]{1,20}$/).optional(),
      url: z
        .string()
        .max(8192)
        .regex(/^https?:\/\/\S+$/i)
        .optional(),
    })
    .strict(),
  setSystemProxy: z.object({ on: z.boolean() }).strict(),
  composeFrom: z.object({ id: exchangeIdSchema }).strict(),
  // A composed plan's text: a mebibyte of body, escaped (main/compose/from-capture.ts MAX_COMPOSE_BYTES).
  parsePlan: z.object({ text: z.string().max(4 * 1024 * 1024 + 64 * 1024) }).strict(),
  formatPlan: z.object({ plan: planSchema }).strict(),
  send: z.object({ plan: planSchema, via: z.enum(['proxy', 'direct']), tls: z.boolean().optional() }).strict(),
  resend: z.object({ ids: z.array(exchangeIdSchema).min(1).max(10_000), timing: z.enum(['original', 'fast']) }).strict(),
  serveReplay: z.object({ ids: z.array(exchangeIdSchema).min(1).max(100_000).optional() }).strict(),
  stopReplay: none,
  search: z
    .object({
      query: z.string().min(1).max(1000),
      mode: z.enum(['text', 'case-sensitive', 'regex']),
      scope: z
        .object({
          exchanges: z.array(exchangeIdSchema).max(100_000).optional(),
          parts: z.array(z.enum(['request-headers', 'request-body', 'response-headers', 'response-body'])).max(4).optional(),
          forms: z.array(z.enum(['sent', 'decoded'])).max(2).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  cancelSearch: z.object({ id: z.string().max(40) }).strict(),
  probeScenarios: none,
  probe: z
    .object({
      command: z.string().min(1).max(4000),
      only: z.array(z.string().min(1).max(100)).max(50).optional(),
      timeoutSeconds: z.number().min(0.5).max(600).optional(),
    })
    .strict(),
  cancelProbe: z.object({ id: z.string().max(40) }).strict(),
  body: z
    .object({
      id: exchangeIdSchema,
      direction: z.enum(['request', 'response']),
      form: z.enum(['sent', 'decoded']),
      offset: z.number().int().nonnegative(),
      length: z.number().int().nonnegative().max(1024 * 1024),
    })
    .strict(),
};

export class ApiError extends Error {}

export type Dispatch = (method: string, args: unknown) => Promise<unknown>;

export function createDispatch(engine: Engine, allow: (method: ApiMethod) => boolean = () => true): Dispatch {
  const handlers: { [M in ApiMethod]: (args: ApiRequests[M]['args']) => unknown } = {
    hello: () => engine.hello(),
    setCapturing: (args) => engine.setCapturing(args),
    clear: () => engine.clear(),
    selectSession: (args) => engine.selectSession(args),
    closeSession: (args) => engine.closeSession(args),
    exchangeDetail: (args) => engine.exchangeDetail(args),
    raw: (args) => engine.raw(args),
    setMark: (args) => engine.setMark(args),
    setRules: (args) => engine.setRules(args),
    step: (args) => engine.breakpoints.step(args),
    heldData: (args) => engine.breakpoints.heldData(args),
    setReleaseAfter: (args) => engine.breakpoints.setReleaseAfter(args),
    tryLab: () => engine.tryLab(),
    openCapture: (args) => engine.openCapture(args),
    saveCapture: (args) => engine.saveCapture(args),
    saveHar: (args) => engine.saveHar(args),
    exportSelected: (args) => engine.exportSelected(args),
    curlCommand: (args) => engine.curlCommand(args),
    streamView: (args) => engine.streamView(args),
    webSocketMessages: (args) => engine.webSocketMessages(args),
    clientSetup: () => engine.clients.setup(),
    launchBrowser: (args) => engine.clients.launchBrowser(args),
    setSystemProxy: (args) => engine.clients.setSystemProxy(args),
    composeFrom: (args) => engine.workbench.composer.composeFrom(args),
    parsePlan: (args) => engine.workbench.composer.parsePlan(args),
    formatPlan: (args) => engine.workbench.composer.formatPlan(args),
    send: (args) => engine.workbench.composer.send(args),
    resend: (args) => engine.workbench.composer.resend(args),
    serveReplay: (args) => engine.workbench.replays.serve(args),
    stopReplay: async () => (await engine.workbench.replays.stop(), engine.info()),
    search: (args) => engine.finding.search(args),
    cancelSearch: (args) => engine.finding.cancelSearch(args),
    body: (args) => engine.finding.body(args),
    probeScenarios: () => engine.probing.scenarios(),
    probe: (args) => engine.probing.start(args),
    cancelProbe: (args) => engine.probing.cancel(args),
  };
  return async (method, args) => {
    if (!Object.hasOwn(handlers, method)) throw new ApiError(`unknown method "${method}"`);
    const name = method as ApiMethod;
    if (!allow(name)) {
      if (API[name].runs) throw new ApiError(`"${name}" runs a program on this machine, which a page in a browser may not ask for: use the desktop app, or start chunkscope serve with --allow-commands`);
      throw new ApiError(`"${name}" is not available over this transport`);
    }
    const parsed = schemas[name].safeParse(args);
    if (!parsed.success) throw new ApiError(`bad arguments for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'args'} ${i.message}`).join('; ')}`);
    try {
      return await (handlers[name] as (a: unknown) => unknown)(parsed.data);
    } catch (error) {
      if (error instanceof EngineError || error instanceof ApiError) throw error;
      throw new ApiError(error instanceof Error ? error.message : String(error));
    }
  };
}
