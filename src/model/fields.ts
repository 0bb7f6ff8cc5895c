/** A nested field of an untyped object, or undefined. */
export function field(object: unknown, ...path: (string | number)[]): unknown {
  let at: unknown = object;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

export function stringField(object: unknown, ...path: (string | number)[]): string | undefined {
  const value = field(object, ...path);
  return typeof value === 'string' ? value : undefined;
}

export function arrayField(object: unknown, ...path: (string | number)[]): unknown[] {
  const value = field(object, ...path);
  return Array.isArray(value) ? value : [];
}

export function recordField(object: unknown, ...path: (string | number)[]): Record<string, string> {
  const value = field(object, ...path);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
