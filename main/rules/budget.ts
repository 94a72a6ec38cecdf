// The memory that request rewrites may hold across all connections at once. The
// dechunk-requests rule collects a chunked body whole before it can send its
// Content-Length (up to 64 MiB per request); 20 uploads of 60 MB at once held 1.87 GB.
// Past the budget a rewrite is not attempted: the request goes on as it came, chunked,
// and the rule's event says why, as for a body over the per-request limit. (Spilling
// bodies to disk would make the relay wait on file reads before each such request.)

/**
 * Request bodies held for rewriting, on all connections together: as much as one body
 * may be (MAX_DECHUNK), so a big upload alone is rewritten, and so are many small
 * requests at once (the IIS 6 workaround is for POSTs of a few KB). A collected body
 * then waits in the origin's socket until it is written: the budget is not all the
 * memory that uploads take, but what grew without bound.
 */
export const REWRITE_BUDGET = 64 * 1024 * 1024;

export class RewriteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Bytes held now, on all connections. */
  get held(): number {
    return this.used;
  }

  /** Hold `n` more bytes, if the budget has room for them. */
  reserve(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}

/** The budget of this process's proxy (one, whatever the number of proxies or engines). */
export const rewriteBudget = new RewriteBudget(REWRITE_BUDGET);
