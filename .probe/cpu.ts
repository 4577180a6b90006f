import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const n = 262000;
const cases: [string, string][] = [
  ['x.prompt', `---\ninput:\n  schema:\n    a: string\n---\n` + '{{a}} '.repeat(n / 6)],
  ['x.prompt', `---\ninput:\n  schema:\n    a: string\n---\n` + '{{#if a}}x{{/if}}'.repeat(n / 17)],
  ['x.prompt', `---\ninput:\n  schema:\n    a: string\n---\n` + '{{#if a}}x{{/if}}{{/if}}'.repeat(n / 24)],
  ['x.prompty', `---\nname: x\n---\n` + '{% if a %}{{ a }}{% endif %}'.repeat(n / 28)],
  ['asset.yaml', Array.from({ length: n / 6 }, () => `k: v`).join('\n')],
  ['asset.yaml', Array.from({ length: n / 6 }, () => `: : -`).join('\n')],
  ['asset.yaml', '[' + Array.from({ length: n / 3 }, () => 'a').join(', ') + ']'],
  ['x.prompt.md', 'password='.repeat(4_000_000 / 9)],
];
for (const [p, text] of cases) {
  for (let i = 0; i < 2; i++) {
    const c0 = process.cpuUsage(); const t0 = performance.now();
    const f = parseFile(p, enc.encode(text));
    const c = process.cpuUsage(c0);
    console.log(p, text.slice(text.length - 20).replace(/\n/g, ' '), 'cpu', Math.round((c.user + c.system) / 1000), 'wall', Math.round(performance.now() - t0), f.diagnostics.length);
  }
}
