// Type guards for values read from YAML, JSON or a cache: one definition shared by every reader.

/** Whether `v` is a plain mapping: an object that is neither null nor an array. */
export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
