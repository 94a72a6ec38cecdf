// An exchange's id: "connection:index" (the connection's number, the 0-based index of the
// request on it). Built and read here only; the rows, the detail, the API's schemas and
// the UI all go through these.

export interface ExchangeRef {
  /** The connection's number (c1 is 1). */
  connection: number;
  /** The request's index on the connection, from 0. */
  index: number;
}

/** What an id looks like (the API's argument schemas use it). */
export const EXCHANGE_ID = /^(\d{1,15}):(\d{1,15})$/;

export function exchangeId(connection: number, index: number): string {
  return `${connection}:${index}`;
}

/** The connection and index of an id, or null when it is not one. */
export function parseExchangeId(id: string): ExchangeRef | null {
  const m = EXCHANGE_ID.exec(id);
  return m ? { connection: Number(m[1]), index: Number(m[2]) } : null;
}

/** "c3 · request #2": how the UI and the CLI name an exchange. */
export function exchangeName({ connection, index }: ExchangeRef): string {
  return `c${connection} · request #${index + 1}`;
}
