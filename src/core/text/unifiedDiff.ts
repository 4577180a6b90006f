// A unified diff of two texts (`--- a/path`, `+++ b/path`, `@@` hunks with 3 lines of context), as `update --dry-run` shows it.

/** Most lines compared with the exact (quadratic) table; larger texts get one hunk of all their lines. */
const maxCells = 4_000_000;

/** The unified diff of `before` and `after` (undefined: no file); '' when they are the same. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const head = `--- ${before === undefined ? '/dev/null' : `a/${path}`}\n+++ ${after === undefined ? '/dev/null' : `b/${path}`}\n`;
  // Changes closer than 2 * context lines share a hunk.
  const changed = ops.flatMap((o, k) => (o.op === ' ' ? [] : [k]));
  const hunks: string[] = [];
  for (let g = 0; g < changed.length;) {
    let last = g;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * context + 1) last++;
    const start = Math.max(0, changed[g] - context);
    const end = Math.min(ops.length, changed[last] + context + 1);
    const slice = ops.slice(start, end);
    const aStart = ops.slice(0, start).filter((o) => o.op !== '+').length;
    const bStart = ops.slice(0, start).filter((o) => o.op !== '-').length;
    const aLen = slice.filter((o) => o.op !== '+').length;
    const bLen = slice.filter((o) => o.op !== '-').length;
    hunks.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@\n` + slice.map((o) => `${o.op}${o.line}\n`).join(''));
    g = last + 1;
  }
  return head + hunks.join('');
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line edits from `a` to `b`: the longest common subsequence, common head and tail trimmed first. */
function diffLines(a: string[], b: string[]): { op: ' ' | '-' | '+'; line: string }[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const mid: { op: ' ' | '-' | '+'; line: string }[] = [];
  if ((A.length + 1) * (B.length + 1) > maxCells) {
    for (const l of A) mid.push({ op: '-', line: l });
    for (const l of B) mid.push({ op: '+', line: l });
  } else {
    const w = B.length + 1;
    const t = new Uint32Array((A.length + 1) * w);
    for (let x = A.length - 1; x >= 0; x--) for (let y = B.length - 1; y >= 0; y--) t[x * w + y] = A[x] === B[y] ? t[(x + 1) * w + y + 1] + 1 : Math.max(t[(x + 1) * w + y], t[x * w + y + 1]);
    let x = 0;
    let y = 0;
    while (x < A.length && y < B.length) {
      if (A[x] === B[y]) {
        mid.push({ op: ' ', line: A[x++] });
        y++;
      } else if (t[(x + 1) * w + y] >= t[x * w + y + 1]) mid.push({ op: '-', line: A[x++] });
      else mid.push({ op: '+', line: B[y++] });
    }
    while (x < A.length) mid.push({ op: '-', line: A[x++] });
    while (y < B.length) mid.push({ op: '+', line: B[y++] });
  }
  return [...a.slice(0, head).map((line) => ({ op: ' ' as const, line })), ...mid, ...a.slice(a.length - tail).map((line) => ({ op: ' ' as const, line }))];
}
