// Canonical JSON of a parsed YAML value: one text per value, whatever the layout, quoting, anchors or key order of its source.

/**
 * Canonical JSON: no whitespace; object keys sorted by UTF-16 code units (Array.prototype.sort);
 * strings, finite numbers, booleans and null as JSON.stringify writes them. Values JSON has no
 * form for are written in forms no JSON text has, so that none of them equals a JSON value:
 * NaN, Infinity and -Infinity bare; a bigint as its digits followed by `n`; binary data as
 * `!!binary"<base64>"`; a Date as `!!timestamp"<ISO 8601>"`; a Map as `!!map[[key,value],...]`
 * (entries sorted by the canonical text of the key) and a Set as `!!set[...]` (items sorted).
 * Anything else (undefined, functions, symbols) is `!!undefined`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      break;
    default:
      return '!!undefined';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Uint8Array) return `!!binary${JSON.stringify(Buffer.from(value).toString('base64'))}`;
  if (value instanceof Date) return `!!timestamp${JSON.stringify(Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString())}`;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [canonicalJson(k), canonicalJson(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `!!map[${entries.map(([k, v]) => `[${k},${v}]`).join(',')}]`;
  }
  if (value instanceof Set) return `!!set[${[...value].map(canonicalJson).sort().join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
