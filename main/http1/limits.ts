// Limits that keep the parser's memory bounded whatever the peer sends. Each one,
// when exceeded, is a fatal anomaly at the byte that went over it; the bytes are
// still relayed by the proxy, only their interpretation stops.

export interface ParserLimits {
  /** Start-line, field lines and the empty line that ends them, in bytes. */
  maxHeadBytes: number;
  /** Hex digits in one chunk-size token (leading zeros included). */
  maxChunkSizeDigits: number;
  /** chunk-ext octets summed over one message (RFC 9112 §7.1.1: accept 16 KiB, reject 1 MiB). */
  maxChunkExtBytes: number;
  /** Trailer field lines and the final empty line of one message, in bytes. */
  maxTrailerBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxHeadBytes: 64 * 1024,
  maxChunkSizeDigits: 1024,
  maxChunkExtBytes: 64 * 1024,
  maxTrailerBytes: 64 * 1024,
});

export function resolveLimits(partial: Partial<ParserLimits> | undefined): ParserLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  if (limits.maxChunkExtBytes < 16384 || limits.maxChunkExtBytes >= 1048576) {
    throw new RangeError('maxChunkExtBytes must be at least 16384 and below 1048576 (RFC 9112 §7.1.1)');
  }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  return limits;
}
