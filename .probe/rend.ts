import fc from 'fast-check';
import { parseFile } from '../src/core/formats/parseFile';
import { previewDocumentHtml, previewModel } from '../src/core/render/previewHtml';
import { buildPromptReport } from '../src/core/render/promptReport';
import { libraryFiles } from '../test/unit/hardening/support/library';
import { describeMutations, mutateAll, mutationArb } from '../test/unit/hardening/support/mutations';
const page = { cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 't' };
const files = [...libraryFiles('samples/library')].filter(([p]) => /\.(prompt|prompty|prompt\.yml|prompt\.md)$/.test(p));
const attack = '<script>alert(1)</script>';
const samples = fc.sample(fc.tuple(fc.constantFrom(...files), fc.array(mutationArb, { maxLength: 3 }), fc.nat({ max: 3 })), { seed: 20260611, numRuns: 40 });
for (const [[p, bytes], ms, sample] of samples) {
  const text = new TextDecoder().decode(bytes) + `\n${attack}\n`;
  const damaged = mutateAll(new TextEncoder().encode(text), ms);
  const t0 = performance.now();
  const file = parseFile(p, damaged);
  const t1 = performance.now();
  const report = buildPromptReport({ file, text: new TextDecoder().decode(damaged), sampleIndex: sample, partial: () => undefined });
  const t2 = performance.now();
  previewDocumentHtml(previewModel(report, { state: 'none', reason: attack }), page);
  const t3 = performance.now();
  console.log(Math.round(t1 - t0), Math.round(t2 - t1), Math.round(t3 - t2), p, describeMutations(ms).slice(0, 150));
}
