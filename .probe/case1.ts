import { parseFile } from '../src/core/formats/parseFile';
import { sampleFiles, mutateAll } from '../test/unit/hardening/support/mutations';
const f = sampleFiles().find((x) => x.label === 'corpus/prompty/spec-fixtures/multimodal.prompty')!;
const b = mutateAll(f.bytes, [{"kind":"flip","at":208417,"value":7}, {kind:'insert', at: 411230, text: '!!binary '}, {"kind":"crlf"}]);
const t = new TextDecoder().decode(b);
const pf = parseFile(f.path, b);
for (const d of pf.diagnostics) console.log(d.code, JSON.stringify(d.range), d.message.slice(0, 100));
console.log(JSON.stringify(t.slice(0, 400)));
