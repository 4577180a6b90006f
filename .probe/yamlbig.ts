import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const n = 1000000;
const ys: Record<string, string> = {
  keys: Array.from({ length: n / 12 }, (_, i) => `k${i}: v${i}`).join('\n'),
  dupkeys: Array.from({ length: n / 6 }, () => `k: v`).join('\n'),
  flow: '[' + Array.from({ length: n / 3 }, () => 'a').join(', ') + ']',
  errs: Array.from({ length: n / 6 }, () => `: : -`).join('\n'),
  anchors: Array.from({ length: n / 20 }, (_, i) => `k${i}: &a${i} v${i}`).join('\n'),
  aliases: 'a: &a x\n' + Array.from({ length: n / 10 }, (_, i) => `k${i}: *a`).join('\n'),
  strings: Array.from({ length: n / 40 }, (_, i) => `k${i}: "${'x'.repeat(30)}"`).join('\n'),
  hbs: '{{#if a}}x{{/if}}'.repeat(250000/17),
  hbsvars: '{{a}} '.repeat(250000/6),
};
for (const [name, y] of Object.entries(ys)) {
  for (const [p, wrap] of [['asset.yaml', (s: string) => s], ['x.prompt', (s: string) => name.startsWith('hbs') ? `---\ninput:\n  schema:\n    a: string\n---\n${s}` : `---\n${s}\n---\nhi`], ['x.prompt.yml', (s: string) => s], ['promptfooconfig.yaml', (s: string) => s]] as const) {
    const t = performance.now();
    const f = parseFile(p, enc.encode(wrap(y)));
    const dt = performance.now() - t;
    console.log(name, p, Math.round(dt), 'ms', f.diagnostics.length, [...new Set(f.diagnostics.map((d) => d.code))].join(','));
  }
}
