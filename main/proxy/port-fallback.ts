// A default port that is taken is not a reason to stop: 8888 is also the default of
// Fiddler and Charles, which users often run beside Chunkscope. A port the user asked for
// exactly (--port N) still is: they get the error, in one line.

/** Whether starting failed because the port is taken. */
export function portTaken(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

export interface Started<T> {
  value: T;
  /** The port asked for was taken, and a free one was used instead. */
  fellBack: boolean;
}

/**
 * Start on `preferred`; if it is taken and was not asked for exactly, on a port the
 * system picks instead. `start` cleans up after itself when it fails.
 */
export async function startWithFallback<T>(preferred: number, exact: boolean, start: (port: number) => Promise<T>): Promise<Started<T>> {
  try {
    return { value: await start(preferred), fellBack: false };
  } catch (error) {
    if (exact || preferred === 0 || !portTaken(error)) throw error;
    return { value: await start(0), fellBack: true };
  }
}

/** The one line that says so: "port 8888 is taken, so the proxy listens on port 51234 instead (…)". */
export function fallbackLine(what: string, preferred: number, port: number, howToChoose: string): string {
  return `port ${preferred} is taken, so ${what} listens on port ${port} instead (${howToChoose})`;
}
