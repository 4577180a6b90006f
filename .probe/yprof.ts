import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const n = Number(process.argv[3] ?? 200000);
const ys: Record<string, string> = {
  dupkeys: Array.from({ length: n / 6 }, () => `k: v`).join('\n'),
  flow: '[' + Array.from({ length: n / 3 }, () => 'a').join(', ') + ']',
  errs: Array.from({ length: n / 6 }, () => `: : -`).join('\n'),
  strings: Array.from({ length: n / 40 }, (_, i) => `k${i}: "${'x'.repeat(30)}"`).join('\n'),
  hbsvars: '{{a}} '.repeat(n/6),
};
const p = process.argv[4] ?? 'asset.yaml';
for (let i = 0; i < 2; i++) {
const t = performance.now();
const f = parseFile(p, enc.encode(ys[process.argv[2]]));
console.log(process.argv[2], n, Math.round(performance.now() - t), 'ms', f.diagnostics.length, f.diagnostics.slice(0,2).map(d=>d.message.slice(0,200)));
}
