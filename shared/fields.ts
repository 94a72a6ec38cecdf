// Reading a message's header fields as a recipient does: names match in any case, and
// repeated fields are one value, joined with commas (RFC 9110 §5.3).

export function fieldValue(headers: readonly (readonly [string, string])[], name: string): string | null {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length ? values.join(', ') : null;
}
