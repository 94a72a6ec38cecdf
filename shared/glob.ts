// Globs for host names and paths: * is any run of characters, ? is one; the rest is literal.

export function globToRegExp(glob: string, options: { caseInsensitive?: boolean } = {}): RegExp {
  const ci = options.caseInsensitive ?? true;
  const body = (ci ? glob.toLowerCase() : glob).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ci ? 'i' : '');
}
