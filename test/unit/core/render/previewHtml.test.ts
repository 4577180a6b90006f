// The preview's HTML: strict CSP with a nonce, and no library string (title, description, bodies, sample values, history) surviving unescaped.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { escapeHtml, previewBodyHtml, previewDocumentHtml, previewModel } from '../../../../src/core/render/previewHtml';
import type { PreviewModel, PreviewPage } from '../../../../src/core/render/previewHtml';
import { buildPromptReport, partialFiles } from '../../../../src/core/render/promptReport';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const page: PreviewPage = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'N0nce123', scriptUri: 'https://x/media/preview.js', styleUri: 'https://x/media/preview.css' };
const allowedTags = new Set(
  'html head meta link title body main header h1 h2 h3 p br section label select option div code article pre table thead tbody tr th td span dl dt dd ul ol li button script'.split(' '),
);

/** Every tag the browser would build from the HTML, with its attributes. */
function tags(html: string): { name: string; attrs: Map<string, string> }[] {
  const out: { name: string; attrs: Map<string, string> }[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of m[2].matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) attrs.set(a[1].toLowerCase(), a[2] ?? '');
    out.push({ name: m[1].toLowerCase(), attrs });
  }
  return out;
}

function assertSafe(html: string): void {
  // Any "<" followed by a letter starts a tag: each must be one we write, well formed.
  const opened = [...html.matchAll(/<[a-zA-Z]/g)].length;
  const found = tags(html);
  assert.equal(found.length, opened, 'every tag is one of ours and well formed');
  for (const t of found) {
    assert.ok(allowedTags.has(t.name), `unexpected tag <${t.name}>`);
    for (const [name, value] of t.attrs) {
      assert.ok(!name.startsWith('on'), `event handler attribute ${name} on <${t.name}>`);
      assert.ok(!/javascript:/i.test(value), `javascript: in ${name} of <${t.name}>`);
      if (name === 'href' || name === 'src') assert.ok(t.name === 'link' || t.name === 'script', `${name} on <${t.name}>`);
    }
  }
  const scripts = found.filter((t) => t.name === 'script');
  assert.equal(scripts.length, 1, 'only our script');
  assert.equal(scripts[0].attrs.get('nonce'), page.nonce);
  assert.equal(scripts[0].attrs.get('src'), page.scriptUri);
}

const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>[link](javascript:alert(4)) <a href="javascript:alert(5)">a</a> &amp;`;

function hostileModel(): PreviewModel {
  return {
    title: hostile,
    subtitle: hostile,
    description: hostile,
    samples: [{ label: hostile, origin: hostile }],
    sampleIndex: 0,
    engine: hostile,
    error: hostile,
    missing: [hostile],
    messages: [
      {
        role: `"><script>alert(6)</script>`,
        parts: [
          { kind: 'text', text: hostile },
          { kind: 'media', url: 'javascript:alert(7)', contentType: hostile },
          { kind: 'section', name: hostile },
        ],
      },
    ],
    tokens: { total: 1, text: 1, messages: 1, tokenizer: 'o200k_base', approximate: false },
    costs: [
      { model: hostile, promptModel: true, allowed: false, deprecated: true, inputTokens: 1, approximate: false, inputCost: 0.1, outputCost: 0.2, total: 0.3, outputTokens: 5, outputBasis: 'model' },
    ],
    meta: [{ label: hostile, value: hostile }],
    inputs: [{ name: hostile, type: hostile, required: true, description: hostile, default: hostile }],
    suites: [{ title: hostile, file: `"><script>alert(8)</script>`, tests: 2, via: hostile }],
    dependencies: [{ kind: hostile, label: hostile, detail: hostile, file: `x" onclick="alert(9)` }],
    history: { state: 'entries', more: false, entries: [{ commit: `<b>abcdef0123</b>`, author: hostile, email: hostile, date: hostile, subject: hostile }] },
  };
}

describe('core/render/previewHtml', () => {
  it('escapes &, <, >, " and \'', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeHtml(undefined), '');
  });

  it('sets a strict content security policy with the nonce, and loads only media/ script and style', () => {
    const html = previewDocumentHtml(hostileModel(), page);
    const csp = tags(html)
      .find((t) => t.name === 'meta' && t.attrs.get('http-equiv') === 'Content-Security-Policy')!
      .attrs.get('content');
    assert.equal(csp, `default-src &#39;none&#39;; style-src ${page.cspSource}; script-src &#39;nonce-N0nce123&#39;; img-src ${page.cspSource} data:;`);
    assert.ok(html.includes(`<link rel="stylesheet" href="${page.styleUri}">`));
    assert.ok(html.includes(`<script nonce="N0nce123" src="${page.scriptUri}"></script>`));
    assert.ok(!/style="/.test(html), 'no inline styles (the CSP would block them)');
  });

  it('leaves no hostile string unescaped in any field', () => {
    const html = previewDocumentHtml(hostileModel(), page);
    assertSafe(html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'));
    assert.ok(html.includes('[link](javascript:alert(4))'), 'Markdown is shown as text, never turned into a link');
    assert.ok(html.includes('&amp;amp;'), 'entities in library text are shown, not decoded');
    assert.ok(html.includes('data-open="x&quot; onclick=&quot;alert(9)"'));
    assert.ok(html.includes('class="message role----script-alert-6---script-"'));
  });

  it('escapes what the hostile fixture library puts in the title, description, partial, suite and sample values', async () => {
    const catalog = await openFolderLibrary(path.join(fixturesDir, 'render', 'hostile-library'));
    const rel = 'greet/greet.prompt';
    const text = fs.readFileSync(path.join(catalog.root, rel), 'utf8');
    const file = parseFile(rel, Buffer.from(text));
    const partials = partialFiles(catalog, file);
    const report = buildPromptReport({ file, text, catalog, sampleIndex: 2, partial: (n) => fs.readFileSync(path.join(catalog.root, partials.get(n)!), 'utf8') });
    const html = previewDocumentHtml(previewModel(report, { state: 'none', reason: 'No history: <script>not a repo</script>' }), page);
    assertSafe(html);
    assert.ok(html.includes('<h1>Greeting &lt;img src=x onerror=alert(1)&gt;</h1>'));
    assert.ok(html.includes('&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;'));
    assert.ok(html.includes('See [the guide](javascript:alert(2)) and &lt;a href=&quot;javascript:alert(3)&quot;&gt;this&lt;/a&gt;.'));
    assert.ok(html.includes('Keep it short. &lt;/pre&gt;&lt;script&gt;alert(&#39;partial&#39;)&lt;/script&gt;'), 'the rendered partial');
    assert.ok(html.includes('Greet &quot;&gt;&lt;img src=x onerror=alert(5)&gt;[x](javascript:alert(6)) in a grumpy way.'), 'the sample value');
    assert.ok(html.includes('<option value="2" selected>Greeting checks &lt;/li&gt;&lt;script&gt;'), 'the picker');
    assert.ok(html.includes('team &lt;script&gt;x&lt;/script&gt;'), 'owners');
    assert.ok(html.includes('Who to greet &lt;script&gt;alert(&#39;input&#39;)&lt;/script&gt;'), 'input descriptions');
    assert.ok(html.includes('No history: &lt;script&gt;not a repo&lt;/script&gt;'));
  });

  it('shows the messages by role, the cost table and the sections in order', async () => {
    const catalog = await openFolderLibrary(path.join(fixturesDir, 'render', 'hostile-library'));
    const rel = 'greet/greet.prompt';
    const text = fs.readFileSync(path.join(catalog.root, rel), 'utf8');
    const report = buildPromptReport({ file: parseFile(rel, Buffer.from(text)), text, catalog, partial: () => 'Be kind.' });
    const body = previewBodyHtml(
      previewModel(report, { state: 'entries', more: true, canOpen: true, entries: [{ commit: '0123456789abcdef', author: 'Ana', email: 'a@x', date: '2025-05-01T10:00:00Z', subject: 'Add greet' }] }),
    );
    assert.deepEqual(
      [...body.matchAll(/<h3 class="role">([^<]*)<\/h3>/g)].map((m) => m[1]),
      ['system', 'user'],
    );
    assert.ok(body.includes('<pre class="text">\nGreet Ada in a cheerful way.</pre>'), 'the text as rendered (the line break after a role marker stays)');
    assert.ok(body.includes('data-open="evals/promptfooconfig.yaml">Greeting checks &lt;/li&gt;'), 'an unmanaged suite by its description');
    assert.deepEqual(
      [...body.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]),
      ['Messages', 'Tokens and cost per call', 'Metadata', 'Eval suites covering it', 'Dependencies', 'History'],
    );
    assert.ok(
      body.includes(
        '<tr class="prompt-model"><td><code>openai/gpt-4o-mini</code><br><span class="flags">the prompt&#39;s model</span></td><td>~22</td><td>$0.0000033</td><td>300</td><td>$0.00018</td><td>≤ $0.00018</td></tr>',
      ),
    );
    assert.match(body, /<p>~22 input tokens: 13 of text in 2 messages \(o200k_base tokenizer\)/);
    assert.doesNotMatch(body, /≈/, 'every model of this library has a public tokenizer');
    assert.match(body, /Output is priced at the prompt&#39;s max output tokens/);
    assert.doesNotMatch(body, /\* The prompt sets no max output/);
    assert.ok(body.includes('<code>0123456</code> · Ana · 2025-05-01'));
    assert.ok(body.includes('data-command="history"'));
  });
});
