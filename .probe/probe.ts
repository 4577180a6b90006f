import fc from 'fast-check';
import { parseFile } from '../src/core/formats/parseFile';
import { sampleFiles, mutationArb, mutateAll, describeMutations, documentOf, diagnosticRangeProblems } from '../test/unit/hardening/support/mutations';
const files = sampleFiles();
console.log('files', files.length);
const runs = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? Date.now() % 1e9);
let slow: [number, string][] = [];
let problems = 0;
const rng = fc.sample(fc.tuple(fc.nat({max: files.length-1}), fc.array(mutationArb, {minLength:1, maxLength:4})), {seed, numRuns: runs});
for (const [i, ms] of rng) {
  const f = files[i];
  const bytes = mutateAll(f.bytes, ms);
  const t0 = performance.now();
  let pf;
  try { pf = parseFile(f.path, bytes); } catch (e) { console.log('THROW', f.label, describeMutations(ms), e); problems++; continue; }
  const dt = performance.now() - t0;
  if (dt > 300) slow.push([dt, `${f.label} ${describeMutations(ms)}`]);
  const doc = documentOf(bytes);
  for (const d of pf.diagnostics) {
    if (d.file !== f.path) console.log('FILE?', d.file, f.path);
    const p = diagnosticRangeProblems(d, () => doc);
    if (p.length) { problems++; console.log('RANGE', f.label, describeMutations(ms), p); }
    if (d.message.includes('Internal error')) { problems++; console.log('INTERNAL', f.label, describeMutations(ms), d.message.slice(0,300)); }
  }
}
slow.sort((a,b)=>b[0]-a[0]);
console.log('seed', seed, 'problems', problems, 'slow', slow.slice(0,10));
