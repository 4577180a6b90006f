// dist/THIRD_PARTY_NOTICES.txt: the licences of what the bundles hold, from esbuild's metafiles (esbuild.mjs writes it after a build).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A licence file, notice file or the like in a package's folder (LICENSE, LICENSE.md, LICENCE-MIT, COPYING, NOTICE, ...). */
const licenceFile = /^(licen[cs]e|copying|notice)\b/i;

/** The licence an npm package's package.json declares: `license` (an SPDX expression, or an old `{ type }`), or the old `licenses` list. */
function declaredLicence(pkg) {
  const ids = [pkg.license, ...(Array.isArray(pkg.licenses) ? pkg.licenses : [])].map((l) => (typeof l === 'object' && l ? l.type : l)).filter((l) => typeof l === 'string' && l);
  return ids.length ? ids.join(' OR ') : 'UNKNOWN';
}

/** The text of the licence files in `dir` (sorted by name, each under its name when there are several), or '' when it has none. */
function licenceTexts(dir) {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && licenceFile.test(e.name))
    .map((e) => e.name)
    .sort();
  return files.map((f) => `${files.length > 1 ? `(${f})\n` : ''}${fs.readFileSync(path.join(dir, f), 'utf8').trim()}`).join('\n\n');
}

/**
 * dist/THIRD_PARTY_NOTICES.txt: the licence of every npm package with a file in the bundles (by the inputs of each output in
 * esbuild's metafiles: `node_modules/<name>/` or `node_modules/@scope/<name>/`, the last one in the path for nested copies), and of
 * the sources vendored under schemas/vendor/<name>/ (their SOURCE.txt names the licence). The bundles are built without licence
 * comments; the VSIX and the CLI package ship this file instead, as MIT, BSD, ISC and Apache licences ask.
 */
export function thirdPartyNotices(metafiles) {
  const packageDirs = new Set();
  const vendoredDirs = new Set();
  for (const meta of metafiles) {
    for (const output of Object.values(meta.outputs)) {
      for (const input of Object.keys(output.inputs)) {
        const file = input.split(path.sep).join('/');
        const pkg = /^(?:.*\/)?(node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\//.exec(file);
        if (pkg) packageDirs.add(file.slice(0, pkg.index + pkg[0].length - 1));
        else if (/^schemas\/vendor\/[^/]+\//.test(file)) vendoredDirs.add(file.split('/').slice(0, 3).join('/'));
      }
    }
  }
  const entries = new Map();
  for (const dir of packageDirs) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licence = declaredLicence(pkg);
    const text = licenceTexts(dir) || `(${pkg.name} has no licence file: its package.json declares the licence ${licence}.)`;
    entries.set(`${pkg.name}@${pkg.version}`, { sortKey: pkg.name, heading: `${pkg.name}@${pkg.version}`, licence, text });
  }
  for (const dir of vendoredDirs) {
    const source = fs.readFileSync(path.join(dir, 'SOURCE.txt'), 'utf8');
    const name = path.basename(dir);
    const licence = /^Licen[cs]e:\s*(\S+?)(?=[\s.,;(]|$)/m.exec(source)?.[1] ?? 'UNKNOWN';
    const repository = /^Repository:\s*(\S+)/m.exec(source)?.[1];
    const text = `(Vendored source${repository ? ` from ${repository}` : ''}: see ${dir}/SOURCE.txt.)\n\n${licenceTexts(dir) || `(No licence file: SOURCE.txt names the licence ${licence}.)`}`;
    entries.set(dir, { sortKey: name, heading: `${name} (${dir})`, licence, text });
  }
  const rule = '='.repeat(80);
  const sections = [...entries.values()]
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.heading < b.heading ? -1 : 1))
    .map((e) => `${rule}\n${e.heading}\nLicense: ${e.licence}\n${'-'.repeat(80)}\n${e.text}\n`);
  return `THIRD-PARTY SOFTWARE NOTICES

The GenAI Asset Library extension and the genai-assets command line (@genai-assets/cli) bundle the software below
into their JavaScript files. Each part is listed with its version, its licence and the licence text it ships with.

${sections.join('\n')}`;
}
