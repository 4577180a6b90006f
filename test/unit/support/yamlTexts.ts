// The YAML texts of a folder tree as the format parsers read them: whole YAML files and the front matter of the Markdown-like formats.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { splitFrontMatter } from '../../../src/core/formats/frontMatter';
import { TextDocument } from '../../../src/core/text/textDocument';

/** Every file under `dir` (none when it does not exist), `.git` and `node_modules` left out. */
export function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/**
 * The YAML under `root`: each `.yaml`/`.yml` file whole, and the front matter of each `.md`,
 * `.prompt` and `.prompty` file (as splitFrontMatter finds it, with and without a comment preamble).
 */
export function yamlTexts(root: string): { label: string; src: string }[] {
  const out: { label: string; src: string }[] = [];
  for (const f of filesUnder(root)) {
    if (!/\.(ya?ml|md|prompt|prompty)$/i.test(f)) continue;
    const doc = new TextDocument(readFileSync(f, 'utf8'));
    if (/\.ya?ml$/i.test(f)) out.push({ label: f, src: doc.text });
    else {
      for (const commentPreamble of [true, false]) {
        const fm = splitFrontMatter(doc, { commentPreamble });
        if (fm.present) out.push({ label: `${f} (front matter)`, src: doc.text.slice(fm.yamlStart, fm.yamlEnd) });
      }
    }
  }
  return out;
}
