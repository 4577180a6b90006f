import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const pfm = '---\nname: x\nmodel:\n  api: chat\ninputs:\n  a:\n    type: string\n---\n';
for (const [ext, head, body] of [['prompty', pfm, '{%'.repeat(500000)], ['prompt', '---\ninput:\n  schema:\n    a: string\n---\n', '{{'.repeat(500000)], ['prompty', pfm, '{{'.repeat(500000)]]) {
  const t = performance.now();
  const f = parseFile('x.' + ext, enc.encode(head + body));
  console.log(ext, Math.round(performance.now() - t), f.diagnostics.length, f.diagnostics.filter(d => d.code === 'unreadable-file').map(d => d.message.slice(0, 300)));
}
