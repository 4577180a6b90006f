import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const pfm = '---\nname: x\nmodel:\n  api: chat\ninputs:\n  a:\n    type: string\n---\n';
const n = Number(process.argv[3] ?? 100000);
const gens: Record<string, string> = { ifs: '{{#if a}}x{{/if}}'.repeat(n / 17), deep: '{{#if a}}'.repeat(n / 9), vars: '{{a}} '.repeat(n/6) };
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const f = parseFile('x.prompty', enc.encode(pfm + gens[process.argv[2]]));
  console.log(Math.round(performance.now() - t), f.diagnostics.map(d => d.code + ' ' + d.message.slice(0, 150)));
}
