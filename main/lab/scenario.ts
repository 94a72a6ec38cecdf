// What a lab scenario is: a path, what it does, and the steps it takes on a connection
// (scenarios.ts and variants.ts hold them).

export interface LabRequest {
  method: string;
  target: string;
  path: string;
  query: URLSearchParams;
  headers: [string, string][];
  /** How the request body was framed, and its decoded length. */
  chunked: boolean;
  bodyLength: number;
  /** The client may send another request on this connection (no Connection: close). */
  persistent: boolean;
}

export interface LabConnection {
  /** Chunked requests answered on this connection so far (the IIS 6 counter). */
  chunkedRequests: number;
  /** The lab's default for POST /reset-after (`--reset-after`). */
  resetAfter: number;
  /** GET /keepalive-reset requests answered on this connection so far. */
  keepaliveRequests: number;
}

/** What a scenario does to the connection, step by step. */
export interface Out {
  write(bytes: Buffer): Promise<void>;
  /** Wait; resolves early (with false) if the client went away. */
  wait(ms: number): Promise<boolean>;
  /** A FIN after everything written (inside TLS: close_notify, then the FIN); no further request is answered. */
  fin(): void;
  /** An RST now. */
  rst(): void;
}

export interface Scenario {
  method: 'GET' | 'POST';
  /** The path, or a prefix ending in "/" for a family (/malformed/<kind>). */
  path: string;
  usage: string;
  summary: string;
  /** A family's kinds (the last segment of the path) and what each does. */
  kinds?: Record<string, string>;
  run(request: LabRequest, out: Out, connection: LabConnection): Promise<void>;
}

/** A number from the query string, within [0, max]; the fallback when absent or not a number. */
export function queryNumber(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  const value = raw === null ? fallback : Number(raw);
  return Number.isFinite(value) && value >= 0 ? Math.min(value, max) : fallback;
}

export const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];
