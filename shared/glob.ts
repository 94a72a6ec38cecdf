// Globs for host names and paths: * is any run of characters, ? is one; the rest is literal.

export function globToRegExp(glob: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  const ci = options.caseInsensitive ?? true;
  const body = (ci ? glob.toLowerCase() : glob).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ci ? 'i' : '');
}

/**
 * Whether a host matches a glob as rules and the filter read it: in any case, with or
 * without its port, an IPv6 address with or without its brackets.
 */
export function hostMatchesGlob(glob: string, host: string | null): boolean {
  if (host === null) return false;
  const h = host.toLowerCase();
  const bare = h.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const pattern = globToRegExp(glob);
  return pattern.test(h) || pattern.test(bare);
}

/** Whether a path matches a glob as rules and the filter read it: case kept, the query left out. */
export function pathMatchesGlob(glob: string, path: string | null): boolean {
  return path !== null && globToRegExp(glob, { caseInsensitive: false }).test(path.replace(/[?#].*$/, ''));
}
