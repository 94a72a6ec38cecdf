// Limits that keep a WebSocket analysis bounded however long a socket lives and whatever
// a peer sends. Text is checked and frames are read as they stream, whatever their size;
// only a compressed message is held whole (zlib needs it whole to be decompressed), so it
// has a limit, and so has what it may decompress to (a small message can inflate to GBs).

export interface WebSocketLimits {
  /** A compressed message is held to be decompressed up to this many bytes; past it, it is counted, not decompressed. */
  maxDeflateInput: number;
  /** A message may decompress to at most this many bytes; past it, it is not decompressed. */
  maxDeflateOutput: number;
  /** Bytes of each message's payload kept as its preview (0: none, for analyses that only count). */
  previewBytes: number;
}

export const DEFAULT_WS_LIMITS: Readonly<WebSocketLimits> = Object.freeze({
  maxDeflateInput: 1024 * 1024,
  maxDeflateOutput: 16 * 1024 * 1024,
  previewBytes: 1024,
});

export function resolveWsLimits(partial: Partial<WebSocketLimits> | undefined): WebSocketLimits {
  const limits = { ...DEFAULT_WS_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of bytes, 0 or more`);
  }
  return limits;
}
