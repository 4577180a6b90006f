import { parseFile } from '../src/core/formats/parseFile';
const enc = new TextEncoder();
const fm = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    a: string\n---\n';
const pfm = '---\nname: x\nmodel:\n  api: chat\ninputs:\n  a:\n    type: string\n---\n';
const bodies: Record<string, (n: number) => string> = {
  vars: (n) => '{{a}} '.repeat(n / 6),
  ifs: (n) => '{{#if a}}x{{/if}}'.repeat(n / 17),
  opens: (n) => '{{'.repeat(n / 2),
  closes: (n) => '}}'.repeat(n / 2),
  deep: (n) => '{{#if a}}'.repeat(n / 9),
  text: (n) => ('lorem ipsum dolor ' + '\n').repeat(n / 19),
  jinja: (n) => '{% if a %}{{ a }}{% endif %}'.repeat(n / 28),
  jopen: (n) => '{%'.repeat(n / 2),
  secretish: (n) => 'password=' .repeat(n / 9),
  urls: (n) => 'https://a:b@'.repeat(n / 12),
};
for (const size of [100_000, 1_000_000, 3_900_000]) {
  for (const [name, gen] of Object.entries(bodies)) {
    for (const [ext, head] of [['prompt', fm], ['prompty', pfm], ['prompt.md', '---\ndescription: x\n---\n']]) {
      const bytes = enc.encode(head + gen(size));
      const t = performance.now();
      const f = parseFile('x.' + ext, bytes);
      const dt = performance.now() - t;
      if (dt > 200) console.log(size, name, ext, Math.round(dt), 'ms', f.diagnostics.length, 'diags', [...new Set(f.diagnostics.map(d=>d.code))].join(','));
    }
  }
}
