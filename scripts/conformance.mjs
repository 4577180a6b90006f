// The conformance suite of real files (test/conformance): validates each repository folder with the CLI's engine and
// prints, per format, the files, findings and verdicts of the golden file test/conformance/findings.json.
//   npm run conformance:update   rewrites the golden file: verdicts and notes of findings still produced are kept, new
//                                findings are added as "unreviewed", findings no longer produced are dropped.
//   node --import tsx scripts/conformance.mjs   prints the table and what differs from the golden file, changes nothing.

import * as fs from 'node:fs';
import { cataloguedByFormat, findingKey, goldenPath, mergeGolden, readGolden, scratchCacheDir, summaryTable, validateAll } from '../test/unit/support/conformance.ts';

const update = process.argv.includes('--update');
const cacheDir = scratchCacheDir();
const findings = await validateAll(cacheDir);
const old = readGolden();
const merged = mergeGolden(old, findings);
const oldKeys = new Set(old.findings.map(findingKey));
const newKeys = new Set(findings.map(findingKey));
const added = findings.filter((f) => !oldKeys.has(findingKey(f))).length;
const gone = old.findings.filter((g) => !newKeys.has(findingKey(g))).length;
if (update) fs.writeFileSync(goldenPath, JSON.stringify(merged, null, 2) + '\n');
console.log(summaryTable(merged, await cataloguedByFormat(cacheDir)));
console.log(
  `\n${findings.length} findings: ${added} not in the golden file, ${gone} in it no longer produced.${update ? ` Wrote ${goldenPath}.` : added || gone ? ' Run `npm run conformance:update`.' : ''}`,
);
const falseOnes = merged.findings.filter((g) => g.verdict === 'false');
if (falseOnes.length) {
  const byCode = new Map();
  for (const g of falseOnes) byCode.set(g.code, [...(byCode.get(g.code) ?? []), g]);
  console.log('\nfalse findings by code:');
  for (const [code, gs] of [...byCode].sort((a, b) => b[1].length - a[1].length)) console.log(`  ${code}: ${gs.length}, e.g. ${gs[0].file}:${gs[0].line} ${gs[0].message}`);
}
