// How numbers, durations and ends read, everywhere: the app, the CLI, the exports.
// One module, tested once (words.test.ts), so "1.2 s" never reads "1200.0 ms" elsewhere
// and "the server reset the connection (RST)" has one wording. Locale-independent.

/** "2,905": digits grouped by three with commas, whatever the locale. */
export function groupDigits(value: number): string {
  const [whole, fraction] = String(Math.abs(value)).split('.');
  let grouped = '';
  for (let i = 0; i < whole!.length; i++) {
    if (i > 0 && (whole!.length - i) % 3 === 0) grouped += ',';
    grouped += whole![i];
  }
  return `${value < 0 ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** "1 request", "4,000 requests". */
/** Where in a file or a stream: "at byte 4,184". */
export function atByte(offset: number): string {
  return `at byte ${groupDigits(offset)}`;
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${groupDigits(n)} ${n === 1 ? word : words}`;
}

/** "1 byte", "2,905 bytes": exact, for sentences. */
export function byteCount(n: number): string {
  return plural(n, 'byte');
}

/** "512 B", "1.4 KB", "3.2 MB": compact, for tables. */
export function size(n: number): string {
  if (n < 1024) return `${groupDigits(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** "8.6 KB/s" */
export function rate(bytesPerSecond: number): string {
  return `${size(Math.round(bytesPerSecond))}/s`;
}

/**
 * A duration for people: "0.4 ms", "302 ms", "1.2 s", "12.3 s", "2 min 5 s", "1 h 4 min".
 * Precision follows the magnitude, so a list of durations reads at a glance.
 */
export function duration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 0.01) return `${(s * 1000).toFixed(1)} ms`;
  if (s < 0.9995) return `${Math.round(s * 1000)} ms`;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  if (s < 3600) {
    const minutes = Math.floor(s / 60);
    const rest = Math.round(s - minutes * 60);
    return rest === 60 ? `${minutes + 1} min 0 s` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(s / 3600);
  return `${hours} h ${Math.round((s - hours * 3600) / 60)} min`;
}

/** Who did something on a connection. */
export type Party = 'client' | 'server' | 'proxy';
/** How one side of a connection ended (a TCP FIN, a TLS close_notify then FIN, an RST, …). */
export type EndHow = 'fin' | 'close-notify' | 'rst' | 'error' | 'timeout';

/** "the client", "the server", "Chunkscope". */
export function party(who: Party): string {
  return who === 'proxy' ? 'Chunkscope' : `the ${who}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * How a side ended, as a sentence: "the server reset the connection (RST)". Inside TLS a
 * FIN is either the end of a session closed with close_notify, or a truncation.
 */
export function howItEnded(end: { who: Party; how: EndHow; truncation?: boolean; detail?: string | null }): string {
  return `${party(end.who)} ${endVerb(end)}`;
}

/** The same without its subject: "reset the connection (RST)", for "…, then reset the connection (RST)". */
export function endVerb(end: { how: EndHow; truncation?: boolean; detail?: string | null }, what = 'the connection'): string {
  switch (end.how) {
    case 'rst':
      return `reset ${what} (RST)`;
    case 'close-notify':
      return 'closed the TLS session (close_notify)';
    case 'fin':
      return `closed ${what} (FIN)${end.truncation ? ' without close_notify' : ''}`;
    case 'timeout':
      return `timed ${what} out`;
    case 'error':
      return `lost ${what}${end.detail ? ` (${end.detail})` : ' (a socket error)'}`;
  }
}

/** The short name of how a side ended: "FIN", "RST", "close_notify". */
export function endShort(how: EndHow): string {
  return how === 'fin' ? 'FIN' : how === 'rst' ? 'RST' : how === 'close-notify' ? 'close_notify' : how;
}

/** An end as a step of the story, with when: "the server reset the connection (RST) at 4.00 s", "Chunkscope passed it on to the client (RST)". */
export function endStep(end: { side: 'client' | 'upstream'; who: Party; how: EndHow; truncation: boolean; mirrored: boolean; detail?: string | null }): string {
  if (end.mirrored) return `Chunkscope passed it on to the ${end.side === 'client' ? 'client' : 'server'} (${endShort(end.how)})`;
  return howItEnded(end);
}

/** Every end in order: "the server reset the connection (RST); Chunkscope passed it on to the client (RST)". */
export function endsStory(ends: readonly Parameters<typeof endStep>[0][]): string {
  return ends.length === 0 ? 'both sides still open' : ends.map(endStep).join('; ');
}

/** The same, short, for a table cell: "server RST", "client FIN", "server FIN, no close_notify". */
export function endLabel(end: { who: Party; how: EndHow; truncation?: boolean }): string {
  const who = end.who === 'proxy' ? 'Chunkscope' : end.who;
  switch (end.how) {
    case 'close-notify':
      return `${who} close_notify`;
    case 'fin':
      return end.truncation ? `${who} FIN, no close_notify` : `${who} FIN`;
    case 'rst':
      return `${who} RST`;
    default:
      return `${who} ${end.how}`;
  }
}

/** The number of decimals (0 to 3) that writes every value exactly enough: 2.5 needs 1, 250 needs 0. */
function decimalsFor(values: readonly number[]): number {
  for (let d = 0; d < 3; d++) {
    const scale = 10 ** d;
    if (values.every((v) => Math.abs(Math.round(v * scale) - v * scale) < 1e-6 * Math.max(1, Math.abs(v * scale)))) return d;
  }
  return 3;
}

/** "1,536.50": grouped digits with exactly `decimals` decimals. */
function fixed(value: number, decimals: number): string {
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const negative = value < 0 && Number(Math.abs(value).toFixed(decimals)) !== 0;
  return `${negative ? '-' : ''}${groupDigits(Number(whole))}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Labels for the ticks of a time axis (seconds), in one unit chosen for the axis's range
 * so they read as a scale: "0 ms", "250 ms", "500 ms"; "0.0 s", "1.5 s"; "2 min", "2 min 30 s".
 */
export function durationTicks(ticks: readonly number[]): string[] {
  const largest = ticks.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  const sign = (t: number) => (t < 0 ? '-' : '');
  if (largest >= 7200) return ticks.map((t) => {
    const minutes = Math.round(Math.abs(t) / 60);
    const h = Math.floor(minutes / 60);
    return `${sign(t)}${h} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  });
  if (largest >= 120) return ticks.map((t) => {
    const seconds = Math.round(Math.abs(t));
    const m = Math.floor(seconds / 60);
    return `${sign(t)}${m} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  });
  const [unit, factor] = largest >= 1 ? ['s', 1] : largest >= 0.001 ? ['ms', 1000] : ['µs', 1e6];
  const values = ticks.map((t) => t * factor);
  const decimals = decimalsFor(values);
  return values.map((v) => `${fixed(v, decimals)} ${unit}`);
}

/** The unit a bytes axis reads in, for its largest value: as `size` chooses (1 KB = 1,024 bytes). */
export function sizeUnit(largest: number): { unit: 'B' | 'KB' | 'MB' | 'GB'; bytes: number } {
  if (largest < 1024) return { unit: 'B', bytes: 1 };
  if (largest < 1024 ** 2) return { unit: 'KB', bytes: 1024 };
  if (largest < 1024 ** 3) return { unit: 'MB', bytes: 1024 ** 2 };
  return { unit: 'GB', bytes: 1024 ** 3 };
}

/** Labels for the ticks of a bytes axis, in one unit for the axis: "0 B", "500 B"; "0 KB", "1.5 KB", "3 KB"; "2 MB". */
export function sizeTicks(ticks: readonly number[]): string[] {
  const { unit, bytes } = sizeUnit(ticks.reduce((m, t) => Math.max(m, Math.abs(t)), 0));
  const values = ticks.map((t) => t / bytes);
  const decimals = decimalsFor(values);
  return values.map((v) => `${fixed(v, decimals)} ${unit}`);
}

/** An end as a mark on a timeline: "server RST"; one Chunkscope passed on reads as such: "FIN passed on to the client". */
export function endTag(end: { side: 'client' | 'upstream'; who: Party; how: EndHow; truncation: boolean; mirrored: boolean }): string {
  if (end.mirrored) return `${endShort(end.how)} passed on to the ${end.side === 'client' ? 'client' : 'server'}`;
  return endLabel(end);
}

/** An end and Chunkscope passing it on, as one timeline mark: "server FIN, passed on to the client". */
export function endPassedOn(end: { who: Party; how: EndHow; truncation?: boolean }, mirror: { side: 'client' | 'upstream' }): string {
  return `${endLabel(end)}, passed on to the ${mirror.side === 'client' ? 'client' : 'server'}`;
}

/** A user's mark on an exchange, in words: "pinned; comment: “stuck after chunk 2”". */
export function markWords(mark: { pinned: boolean; comment: string }): string {
  const comment = mark.comment !== '' ? `comment: “${mark.comment}”` : '';
  return [mark.pinned ? 'pinned' : '', comment].filter((part) => part !== '').join('; ');
}
