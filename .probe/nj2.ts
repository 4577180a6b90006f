import { parseFile } from '../src/core/formats/parseFile';
import { buildPromptReport } from '../src/core/render/promptReport';
import { existsSync, rmSync } from 'node:fs';
const m = '/tmp/genai-rce-m';
const code = `return global.process.mainModule.require('fs').writeFileSync('${m}', 'x')`;
const jinja = [
  `{{ range.constructor("${code}")() }}`,
  `{{ range["constr" ~ "uctor"]("${code}")() }}`,
  `{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(range), "constructor").value("${code}")() }}`,
  `{% set f = cycler.constructor %}{{ f("${code}")() }}`,
  `{{ joiner.__proto__.constructor("${code}")() }}`,
  `{{ a.constructor.constructor("${code}")() }}`,
  `{{ (range|first).constructor }}`,
];
const mustache = [
  `{{#constructor.constructor}}a){};global.process.mainModule.require('fs').writeFileSync('${m}','x');(function(b{{/constructor.constructor}}`,
  `{{#a.constructor.constructor}}${code}{{/a.constructor.constructor}}`,
];
for (const [fmt, bodies] of [['jinja2', jinja], ['mustache', mustache]] as const) {
  for (const body of bodies) {
    rmSync(m, { force: true });
    const text = `---\nname: evil\nmodel:\n  api: chat\ntemplate:\n  format: ${fmt}\ninputs:\n  a:\n    type: string\n    default: hi\n---\nsystem:\n${body}\n`;
    const file = parseFile('evil.prompty', Buffer.from(text));
    let r;
    try { r = buildPromptReport({ file, text, partial: () => undefined }); } catch (e) { r = String(e); }
    console.log(fmt, existsSync(m) ? 'PWNED' : 'safe', JSON.stringify(r && (r as { rendered?: unknown }).rendered ? (r as { rendered: { engine: string; error?: string } }).rendered.engine + ' ' + ((r as { rendered: { error?: string } }).rendered.error ?? '') : r).slice(0, 150));
  }
}
