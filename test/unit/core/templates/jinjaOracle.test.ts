// Jinja2 itself (Debian's python3-jinja2) as the oracle for our Jinja analysis of every real Prompty body:
// syntax error or not (and on which line), and the set of undeclared variables. One python process for all bodies.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { splitFrontMatter } from '../../../../src/core/formats/frontMatter';
import { templateFormat } from '../../../../src/core/formats/prompty';
import { analyzeJinja } from '../../../../src/core/templates/jinja';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { corpusDir, fixturesDir, repoRoot } from '../../paths';

/** Debian's interpreter, with Debian's python3-jinja2 (the `python3` on PATH may be another one). */
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const oracle = `
import json, sys
import jinja2, jinja2.meta
env = jinja2.Environment()
out = []
for text in json.load(sys.stdin):
    try:
        ast = env.parse(text)
        out.append({"undeclared": sorted(jinja2.meta.find_undeclared_variables(ast))})
    except jinja2.TemplateSyntaxError as e:
        out.append({"error": e.message, "line": e.lineno})
json.dump(out, sys.stdout)
`;

interface OracleResult {
  undeclared?: string[];
  error?: string;
  line?: number;
}

/**
 * Bodies where we knowingly differ from Jinja2, by path (from the repository root, or `corpus/` for the shared
 * corpus), with the reason. Every other disagreement fails the test.
 */
const knownDisagreements: Record<string, string> = {
  // jinja2.meta counts a name assigned inside an `if` as read from the context, even when every branch assigns it
  // (it merges an empty `elif` branch) or when nothing reads it; the template never reads such a name from its inputs.
  'construct 19: {% if a %}{% set x = 1 %}{% else %}{% set x = 2 %}{% endif %}{{ x }}': 'Jinja2 meta quirk: x is assigned in every branch',
  'construct 60: {% if a %}{% elif b %}{% set q = 1 %}{% else %}{% endif %}': 'Jinja2 meta quirk: q is assigned, never read',
  // nunjucks tags: Prompty's TypeScript runtime renders them, so they are warnings here, not errors.
  'construct 76: {% switch a %}{% case 1 %}{% endswitch %}': "nunjucks' switch: a warning",
};

/** Jinja2 constructs beyond those in the real files: what Jinja2 accepts (and nunjucks often does not), and what it rejects. */
const constructs: string[] = [
  '{% set x %}a{{ b }}{% endset %}{{ x }}',
  '{{ loop.index }}',
  '{% for i in xs %}{{ loop.index }}{% endfor %}',
  '{{ d|tojson }} {% for k, v in d|items %}{{k}}{% endfor %}',
  '{%- if a -%} x {%- endif -%}',
  '{% if a is defined and b in c %}{% endif %}',
  '{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}',
  '{% raw %}{{ x }}{% endraw %}',
  '{% set ns = namespace(found=false) %}{% for i in xs %}{% set ns.found = true %}{% endfor %}{{ ns.found }}',
  '{% with a = b %}{{ a }}{{ c }}{% endwith %}',
  '{# c #}{{ a }}',
  "{{ \'a\' \'b\' }}",
  '{{ x is divisibleby 3 }}',
  '{{ x is sameas false }}',
  '{{ a if b }}',
  '{{ a[1:2] }} {{ a[::2] }}',
  '{{ f(*args, **kw, k=1) }}',
  '{{ 1e3 }} {{ 1_000 }} {{ 0x1F }}',
  '{% if a %}{% set x = 1 %}{% endif %}{{ x }}',
  '{% if a %}{% set x = 1 %}{% else %}{% set x = 2 %}{% endif %}{{ x }}',
  '{{ x }}{% set x = 1 %}',
  '{% for i in l %}{{ y }}{% endfor %}{% set y = 2 %}',
  '{% macro m(a, b=c) %}{{ a }}{{ d }}{{ caller() }}{% endmacro %}{% call m(1) %}hi{% endcall %}',
  '{% block b %}{{ x }}{% endblock %}',
  '{% set x = 1 %}{% block b %}{{ x }}{% endblock %}',
  '{{ self }}',
  '{{ super() }}',
  '{{ range(3) }} {{ lipsum() }} {{ dict(a=1) }} {{ cycler(1) }} {{ joiner() }}',
  '{{ a + }}',
  '{{ }}',
  '{% if %}{% endif %}',
  '{{ a | }}',
  '{% for x in xs recursive %}{{ loop(x.c) }}{% endfor %}',
  '{% for x in xs if x.ok %}{{ x }}{% else %}{{ none_text }}{% endfor %}',
  '{% filter upper %}{{ a }}{% endfilter %}',
  '{% set a, b = 1, 2 %}{{ a }}{{ b }}',
  '{{ a.0 }} {{ a.b.c }}',
  "{{ {\'a\': 1, \'b\': [1,2,]} }}",
  '{{ (1, 2) }} {{ () }}',
  '{{ a ~ b }} {{ a // b }} {{ a ** b }} {{ not a }} {{ -a }}',
  '{% print a %}',
  "{% include \'x.j2\' ignore missing with context %}",
  "{% import \'m\' as m %}{{ m.x }}",
  "{% from \'m\' import a as b, c with context %}{{ b }}{{ c }}",
  '{% extends base %}',
  '{% autoescape true %}{{ a }}{% endautoescape %}',
  '{{ a is not none }}',
  '{{ a not in b }}',
  "{{ x|default(\'a\')|upper }}",
  '{% set x | upper %}hi{% endset %}{{ x }}',
  '{{ a !b }}',
  '{{ a = b }}',
  '{% for 1 in x %}{% endfor %}',
  '{% set true = 1 %}',
  '{{ a.(b) }}',
  '{{ loop }}{% for x in y %}{% endfor %}',
  '{% for i in l %}{% set t = i %}{% endfor %}{{ t }}',
  '{{ caller() }}',
  '{{ varargs }}',
  '{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}',
  '{% if a %}{% elif b %}{% set q = 1 %}{% else %}{% endif %}',
  '{{ a is defined is defined }}',
  '{{ 1abc }}',
  '{{ "unterminated }}',
  '{{ x | f(a=1, 2) }}',
  '{{ f(a=1, *b) }}',
  '{% call(u) m() %}{{ u }}{% endcall %}',
  '{% with %}{% endwith %}',
  '{{ a }}}}',
  '{% if a %}x{% endif %}}',
  'a\n{% if x %}\nb\n',
  'a\nb\n{% endif %}',
  '{% for x in y %}\n{% if a %}\n{% endfor %}',
  'x\n{{ a +\n b }}\n{{ c + }}',
  '{% elseif a %}',
  '{% break %}',
  '{% switch a %}{% case 1 %}{% endswitch %}',
  '{% iff a %}',
  '{{ a }}\n{# open',
  '{{ a\n\nb',
  '{% set x = 1 %}{% endset %}',
  '{% else %}',
  '{% endblock %}',
  '{% trans %}x{% endtrans %}',
  '{% do x.append(1) %}',
  '{% include %}',
  '{% macro m(a=1, b) %}{% endmacro %}',
  '{% for a.b in c %}{% endfor %}',
  '{% raw %}{{ x }}',
  '{% set x = {% endset %}',
  '{{ a }} }} {{ b }}',
  '{% with a = 1, b %}{% endwith %}',
  "{% set x | replace('=', '-') %}a=b{% endset %}{{ x }}",
  '{% set x = 1 %}{% if x %}{{ x }}{% endif %}',
  '{{ a }}\n{% for x in y %}\n  {{ x }} }}\n{% endfor %}',
];

function promptyFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) promptyFiles(p, out);
    else if (e.name.endsWith('.prompty')) out.push(p);
  }
  return out;
}

interface Body {
  name: string;
  doc: TextDocument;
  start: number;
}

/** The Jinja2 bodies of the Prompty files (Mustache ones left out), after their front matter. */
function bodies(): Body[] {
  const files = [
    ...promptyFiles(path.join(corpusDir, 'prompty')),
    ...promptyFiles(path.join(fixturesDir, 'prompty')),
    ...promptyFiles(path.join(fixturesDir, 'real')),
    ...promptyFiles(path.join(repoRoot, 'samples')),
  ];
  const out: Body[] = [];
  for (const file of files) {
    const doc = new TextDocument(fs.readFileSync(file, 'utf8'));
    const fm = splitFrontMatter(doc, { leadingWhitespace: true });
    let front: unknown;
    try {
      front = fm.present ? parseYaml(doc.text.slice(fm.yamlStart, fm.yamlEnd)) : {};
    } catch {
      front = {};
    }
    const format = templateFormat(front && typeof front === 'object' ? (front as Record<string, unknown>) : {});
    if (format !== 'jinja2' && format !== 'jinja') continue;
    const name = file.startsWith(corpusDir) ? `corpus/${path.relative(corpusDir, file)}` : path.relative(repoRoot, file);
    out.push({ name, doc, start: !fm.present ? 0 : fm.unterminated ? doc.text.length : fm.bodyStart });
  }
  // The templates of Prompty's own Jinja conformance corpus (its runtimes' subset of Jinja2).
  const conformance = path.join(fixturesDir, 'real', 'prompty-repos', 'prompty', 'runtime', 'python', 'prompty', 'prompty', 'jinja_subset', 'conformance', 'corpus.json');
  for (const c of (JSON.parse(fs.readFileSync(conformance, 'utf8')) as { cases: { name: string; template: string }[] }).cases) {
    out.push({ name: `conformance:${c.name}`, doc: new TextDocument(c.template), start: 0 });
  }
  constructs.forEach((text, i) => out.push({ name: `construct ${i}: ${text}`, doc: new TextDocument(text), start: 0 }));
  return out;
}

/**
 * Roughly the same place: Jinja2's line within our tag's lines (or the next one); for a block or a brace never
 * closed we point at the opener, Jinja2 where it gave up looking for the closer, further down.
 */
function lineAgrees(code: string, first: number, last: number, jinjaLine: number): boolean {
  if (first <= jinjaLine && jinjaLine <= last + 1) return true;
  return (code === 'unclosed-block' || code === 'unbalanced-brace') && first <= jinjaLine;
}

const templateCodes = new Set(['template-syntax', 'unclosed-block', 'unmatched-closing-block', 'unbalanced-brace']);

describe('core/templates/jinja against Jinja2 (python3-jinja2)', function () {
  this.timeout(60_000);

  it('agrees with Jinja2 on every real Prompty body: syntax errors and undeclared variables', () => {
    const all = bodies();
    assert.ok(all.length >= 100, `only ${all.length} Prompty bodies found`);
    const run = spawnSync(python, ['-c', oracle], { input: JSON.stringify(all.map((b) => b.doc.text.slice(b.start))), encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, `${python} with jinja2 failed (install Debian's python3-jinja2: apt-get install python3-jinja2): ${run.error?.message ?? run.stderr}`);
    const results = JSON.parse(run.stdout) as OracleResult[];
    const disagreements: string[] = [];
    all.forEach((b, i) => {
      const want = results[i];
      const got = analyzeJinja({ doc: b.doc, file: b.name, start: b.start, end: b.doc.text.length });
      const errors = got.diagnostics.filter((d) => d.severity === 'error' && templateCodes.has(d.code));
      const bodyLine = b.doc.positionAt(b.start).line;
      let problem: string | undefined;
      if (want.error !== undefined) {
        if (!errors.length) problem = `Jinja2 fails (line ${want.line}: ${want.error}), we report no error`;
        else if (!errors.some((d) => lineAgrees(d.code, d.range.start.line - bodyLine + 1, d.range.end.line - bodyLine + 1, want.line!))) {
          problem = `Jinja2 fails on body line ${want.line}, we report lines ${errors.map((d) => d.range.start.line - bodyLine + 1).join(', ')}`;
        }
      } else if (errors.length) {
        problem = `Jinja2 parses it, we report ${errors.map((d) => `${d.code} at body line ${d.range.start.line - bodyLine + 1}: ${d.message}`).join('; ')}`;
      } else {
        const ours = [...new Set(got.variables.map((v) => v.name))].sort();
        if (JSON.stringify(ours) !== JSON.stringify(want.undeclared)) problem = `undeclared variables: Jinja2 ${JSON.stringify(want.undeclared)}, ours ${JSON.stringify(ours)}`;
      }
      if (problem && !knownDisagreements[b.name]) disagreements.push(`${b.name}: ${problem}`);
    });
    assert.deepEqual(disagreements, []);
  });
});
