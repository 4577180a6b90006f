import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const fm = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    a: string\n---\n';
const which = process.argv[2] ?? 'vars';
const n = Number(process.argv[3] ?? 200000);
const body = which === 'vars' ? '{{a}} '.repeat(n / 6) : which === 'secret' ? 'password='.repeat(n/9) : which === 'jinja' ? '{% if a %}{{ a }}{% endif %}'.repeat(n / 28) : '{{'.repeat(n/2);
const ext = process.argv[4] ?? 'prompt';
for (let i = 0; i < 3; i++) {
const t = performance.now();
const f = parseFile('x.' + ext, enc.encode((ext === 'prompt' ? fm : '---\nname: x\ninputs:\n  a:\n    type: string\n---\n') + body));
console.log(which, n, Math.round(performance.now() - t), 'ms', f.diagnostics.length, f.diagnostics.slice(0,1).map(d=>d.message.slice(0,200)));
}
