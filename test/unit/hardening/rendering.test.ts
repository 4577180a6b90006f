// Hostile rendering: whatever a library puts in a prompt (titles, descriptions, bodies, samples), the preview's HTML keeps no markup of it and a strict CSP.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseFile } from '../../../src/core/formats/parseFile';
import { previewDocumentHtml, previewModel } from '../../../src/core/render/previewHtml';
import type { PreviewModel, PreviewPage } from '../../../src/core/render/previewHtml';
import { buildPromptReport } from '../../../src/core/render/promptReport';
import { sampleLibrary } from '../paths';
import { describeMutations, fuzzParams, mutateAll, mutationArb } from './support/mutations';
import { libraryFiles } from './support/library';

const page: PreviewPage = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'rAnd0mN0nce', scriptUri: 'https://x/media/preview.js', styleUri: 'https://x/media/preview.css' };
/** The markup the preview itself writes; anything else in the HTML came from data. */
const ourTags = new Set(
  'html head meta link title body main header h1 h2 h3 p br section label select option div code article pre table thead tbody tr th td span dl dt dd ul ol li button script'.split(' '),
);

/** Why the HTML is unsafe (a tag or attribute that data smuggled in), or undefined. */
function unsafe(html: string): string | undefined {
  const opened = [...html.matchAll(/<[a-zA-Z!/?]/g)].filter((m) => !html.startsWith('</', m.index) && !html.startsWith('<!DOCTYPE', m.index)).length;
  const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>"'/]+(?:="[^"]*")?)*)\s*\/?>/g)];
  if (tags.length !== opened) return `${opened - tags.length} tag(s) or comments not written by the preview`;
  for (const closing of html.matchAll(/<\/([a-zA-Z][\w-]*)/g)) if (!ourTags.has(closing[1].toLowerCase())) return `closing tag </${closing[1]}>`;
  let scripts = 0;
  for (const t of tags) {
    const name = t[1].toLowerCase();
    if (!ourTags.has(name)) return `tag <${name}>`;
    for (const a of t[2].matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) {
      const attr = a[1].toLowerCase();
      const value = a[2] ?? '';
      if (attr.startsWith('on')) return `event handler ${attr} on <${name}>`;
      // data-* values are text the page script posts back (checked by the extension), never navigated to.
      if (!attr.startsWith('data-') && /javascript:|vbscript:|data:text\/html/i.test(value)) return `script URL in ${attr} of <${name}>`;
      if ((attr === 'href' || attr === 'src' || attr === 'action' || attr === 'formaction') && name !== 'link' && name !== 'script') return `${attr} on <${name}>`;
      if (attr === 'style') return `inline style on <${name}>`;
    }
    if (name === 'script') {
      scripts++;
      if (!t[2].includes(`nonce="${page.nonce}"`) || !t[2].includes(`src="${page.scriptUri}"`)) return 'a script without our nonce and source';
    }
  }
  if (scripts !== 1) return `${scripts} scripts`;
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1].replace(/&#39;/g, "'");
  if (!csp) return 'no content security policy';
  if (!/default-src 'none'/.test(csp) || /unsafe-inline|unsafe-eval|\*/.test(csp) || !/script-src 'nonce-rAnd0mN0nce';/.test(csp)) return `weak CSP: ${csp}`;
  return undefined;
}

/** Strings made of the pieces markup attacks are built from. */
const hostileText = fc
  .array(
    fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      '&amp;',
      '&#x3C;',
      'script',
      '<script>',
      '</script>',
      '<img src=x onerror=alert(1)>',
      'javascript:alert(1)',
      '[x](javascript:alert(1))',
      '](',
      '<a href="',
      '<!--',
      '-->',
      '</pre>',
      '<svg/onload=alert(1)>',
      '\u2028',
      '`',
      '${',
      '{{',
      ' ',
      'a',
      '\n',
      'data:text/html,<b>',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const modelArb: fc.Arbitrary<PreviewModel> = fc.record({
  title: hostileText,
  subtitle: hostileText,
  description: hostileText,
  samples: fc.array(fc.record({ label: hostileText, origin: hostileText }), { maxLength: 3 }),
  sampleIndex: fc.nat({ max: 2 }),
  engine: hostileText,
  error: fc.option(hostileText, { nil: undefined }),
  missing: fc.array(hostileText, { maxLength: 2 }),
  messages: fc.array(
    fc.record({
      role: hostileText,
      parts: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('text' as const), text: hostileText }),
          fc.record({ kind: fc.constant('media' as const), url: hostileText, contentType: hostileText }),
          fc.record({ kind: fc.constant('section' as const), name: hostileText }),
        ),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
  tokens: fc.record({
    total: fc.constant(10),
    text: fc.constant(8),
    messages: fc.constant(2),
    tokenizer: fc.constantFrom('o200k_base' as const, 'cl100k_base' as const, 'estimate' as const),
    approximate: fc.boolean(),
  }),
  costs: fc.array(
    fc.record({
      model: hostileText,
      promptModel: fc.boolean(),
      allowed: fc.boolean(),
      deprecated: fc.boolean(),
      inputTokens: fc.constant(7),
      approximate: fc.boolean(),
      inputCost: fc.constant(0.1),
      outputCost: fc.constant(0.2),
      total: fc.constant(0.3),
      outputTokens: fc.constant(5),
      outputBasis: fc.constant('model' as const),
    }),
    { maxLength: 2 },
  ),
  meta: fc.array(fc.record({ label: hostileText, value: hostileText }), { maxLength: 3 }),
  inputs: fc.array(fc.record({ name: hostileText, type: hostileText, required: fc.boolean(), description: hostileText, default: hostileText }), { maxLength: 2 }),
  suites: fc.array(fc.record({ title: hostileText, file: hostileText, tests: fc.nat({ max: 9 }), via: hostileText }), { maxLength: 2 }),
  dependencies: fc.array(fc.record({ kind: hostileText, label: hostileText, detail: hostileText, file: hostileText, problem: fc.boolean() }), { maxLength: 2 }),
  history: fc.oneof(
    fc.constant({ state: 'loading' as const }),
    fc.record({ state: fc.constant('none' as const), reason: hostileText }),
    fc.record({
      state: fc.constant('entries' as const),
      more: fc.boolean(),
      canOpen: fc.boolean(),
      entries: fc.array(fc.record({ commit: hostileText, author: hostileText, email: hostileText, date: hostileText, subject: hostileText }), { maxLength: 2 }),
    }),
  ),
}) as fc.Arbitrary<PreviewModel>;

describe('hardening: hostile rendering (preview webview)', function () {
  this.timeout(120_000);
  // The YAML library reports through process warnings (printed on stderr) unless told not to.
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message.split('\n')[0]}`);
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));

  it('any hostile text in any field of the preview is shown as text, under a strict CSP', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        const problem = unsafe(previewDocumentHtml(model, page));
        assert.equal(problem, undefined, `${problem} for ${JSON.stringify(model).slice(0, 600)}`);
      }),
      fuzzParams(300),
    );
  });

  it('prompts of the sample library with hostile titles, descriptions and bodies, damaged at random, render safely and never throw', () => {
    const files = [...libraryFiles(sampleLibrary)].filter(([p]) => /\.(prompt|prompty|prompt\.yml|prompt\.md)$/.test(p));
    assert.ok(files.length >= 5);
    const attack = '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) "><svg onload=alert(4)>';
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(mutationArb, { maxLength: 3 }), fc.nat({ max: 3 }), ([p, bytes], ms, sample) => {
        // Hostile text where titles, descriptions and sample values live, then random damage.
        const text = new TextDecoder().decode(bytes).replace(/^(description|title|name): .*$/gm, (_m, k: string) => `${k}: "${attack.replace(/"/g, '\\"')}"`) + `\n${attack}\n{{! ${attack} }}\n`;
        const damaged = mutateAll(new TextEncoder().encode(text), ms);
        const where = `${p} after ${describeMutations(ms)}`;
        const file = parseFile(p, damaged);
        const report = buildPromptReport({ file, text: new TextDecoder().decode(damaged), sampleIndex: sample, partial: () => undefined });
        const html = previewDocumentHtml(previewModel(report, { state: 'none', reason: attack }), page);
        const problem = unsafe(html);
        assert.equal(problem, undefined, `${where}: ${problem}`);
      }),
      fuzzParams(150),
    );
  });

  it('a Prompty (Jinja2 or Mustache) or Dotprompt body cannot run code in the extension host through the preview', () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'genai-rce-')), 'ran');
    const code = `return global.process.mainModule.require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const attempts: [string, string][] = [
      ['jinja2', `{{ range.constructor(${JSON.stringify(code)})() }}`],
      ['jinja2', `{{ range["constr" ~ "uctor"](${JSON.stringify(code)})() }}`],
      ['jinja2', `{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(range), "constructor").value(${JSON.stringify(code)})() }}`],
      ['jinja2', `{% set f = cycler.constructor %}{{ f(${JSON.stringify(code)})() }}`],
      ['jinja2', `{{ joiner.__proto__.constructor(${JSON.stringify(code)})() }}{{ a.constructor.constructor(${JSON.stringify(code)})() }}`],
      ['jinja2', `{{ constructor.assign(constructor.getPrototypeOf(a), { polluted: 1 }) }}`],
      ['mustache', `{{#constructor.constructor}}a){};${code};(function(b{{/constructor.constructor}}{{#a.constructor.constructor}}${code}{{/a.constructor.constructor}}`],
    ];
    for (const [format, body] of attempts) {
      const text = `---\nname: evil\nmodel:\n  api: chat\ntemplate:\n  format: ${format}\ninputs:\n  a:\n    type: string\n    default: hi\n---\nsystem:\n${body}\n`;
      const file = parseFile('evil.prompty', Buffer.from(text));
      const report = buildPromptReport({ file, text, partial: () => undefined });
      assert.equal(existsSync(marker), false, `${format}: ${body}`);
      assert.ok(!unsafe(previewDocumentHtml(previewModel(report, { state: 'loading' }), page)));
    }
    const hbs = `---\nmodel: openai/gpt-4o-mini\n---\n{{#with (lookup this "constructor")}}{{#with (lookup this "constructor")}}{{this "${code}"}}{{/with}}{{/with}}\n`;
    buildPromptReport({ file: parseFile('evil.prompt', Buffer.from(hbs)), text: hbs, partial: () => undefined });
    assert.equal(existsSync(marker), false, 'Handlebars');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });

  it("printed no warning on the process's stderr meanwhile", async () => {
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
  });
});
