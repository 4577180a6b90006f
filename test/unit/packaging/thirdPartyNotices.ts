// What the packaging tests check of dist/THIRD_PARTY_NOTICES.txt (written by esbuild.mjs): every npm package and vendored source
// with a file in the bundles a package ships is named there with its licence text, and none of them is under a copyleft licence.
// The bundled set is found here independently of the build's own reading of esbuild's metafiles: from the `sources` of the
// development build's source maps, which list every input file of each bundle.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An npm package or vendored source with a file in the bundles: its heading in the notices, folder and declared licence. */
export interface BundledPart {
  heading: string;
  dir: string;
  licence: string;
}

/**
 * The npm packages (by the last `node_modules/<name>` or `node_modules/@scope/<name>` in a source's path) and the sources vendored
 * under schemas/vendor/<name>/ that the source maps of `bundles` (paths of a development build's .js files) list.
 */
export function bundledParts(bundles: string[]): BundledPart[] {
  const dirs = new Set<string>();
  for (const bundle of bundles) {
    const map = JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] };
    for (const source of map.sources) {
      const file = path.resolve(path.dirname(bundle), source).split(path.sep).join('/');
      const at = file.lastIndexOf('/node_modules/');
      if (at >= 0) {
        const rest = file.slice(at + '/node_modules/'.length).split('/');
        dirs.add(`${file.slice(0, at)}/node_modules/${rest.slice(0, rest[0].startsWith('@') ? 2 : 1).join('/')}`);
      } else {
        const vendored = /^(.*\/schemas\/vendor\/[^/]+)\//.exec(file);
        if (vendored) dirs.add(vendored[1]);
      }
    }
  }
  return [...dirs].sort().map((dir) => {
    if (fs.existsSync(path.join(dir, 'SOURCE.txt'))) {
      const licence = /^Licen[cs]e:\s*([\w.+-]+)/m.exec(fs.readFileSync(path.join(dir, 'SOURCE.txt'), 'utf8'))?.[1] ?? 'UNKNOWN';
      return { heading: `${path.basename(dir)} (schemas/vendor/${path.basename(dir)})`, dir, licence };
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string | { type: string } };
    return { heading: `${pkg.name}@${pkg.version}`, dir, licence: typeof pkg.license === 'object' ? pkg.license.type : (pkg.license ?? 'UNKNOWN') };
  });
}

/** The sections of a notices file, by heading line: the licence line's value and the licence text. */
export function readNotices(text: string): Map<string, { licence: string; text: string }> {
  const sections = new Map<string, { licence: string; text: string }>();
  for (const section of text.split(/^={80}\n/m).slice(1)) {
    const [heading, licenceLine, rule, ...rest] = section.split('\n');
    assert.match(licenceLine, /^License: \S/, `the section of ${heading} has a License: line`);
    assert.equal(rule, '-'.repeat(80), `the section of ${heading} has a rule before its text`);
    assert.ok(!sections.has(heading), `THIRD_PARTY_NOTICES.txt names ${heading} once`);
    sections.set(heading, { licence: licenceLine.slice('License: '.length), text: rest.join('\n').trim() });
  }
  return sections;
}

/** A copyleft licence (GPL, LGPL, AGPL) by SPDX expression: one whose every alternative (`A OR B`) is one. */
export function isCopyleft(licence: string): boolean {
  return licence.split(/\s+OR\s+/i).every((alternative) => /\b(A|L)?GPL\b|General Public License/i.test(alternative));
}

/** Asserts that `notices` (a THIRD_PARTY_NOTICES.txt) names every part of `parts` with its licence and licence text, and that none is copyleft. */
export function assertNotices(notices: string, parts: BundledPart[]): void {
  assert.ok(parts.length > 0, 'the source maps name bundled packages');
  const sections = readNotices(notices);
  for (const part of parts) {
    assert.ok(!isCopyleft(part.licence), `${part.heading} (${part.dir}) is under the copyleft licence ${part.licence}: it must not be bundled`);
    const section = sections.get(part.heading);
    assert.ok(section, `${part.heading} (${part.dir}) is bundled: THIRD_PARTY_NOTICES.txt names it`);
    assert.equal(section.licence, part.licence, `the licence of ${part.heading}`);
    assert.notEqual(section.text, '', `the licence text of ${part.heading}`);
    // The package's own licence files, word for word.
    for (const f of fs.readdirSync(part.dir).filter((f) => /^(licen[cs]e|copying)\b/i.test(f))) {
      assert.ok(section.text.includes(fs.readFileSync(path.join(part.dir, f), 'utf8').trim()), `the notices hold ${part.heading}'s ${f}`);
    }
  }
}
