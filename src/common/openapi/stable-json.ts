/** Objects with their keys sorted, at every depth; arrays keep their order (it can mean something). */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, withSortedKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The committed form of a document: sorted keys, two-space indent, one final newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(withSortedKeys(value), null, 2)}\n`;
}
