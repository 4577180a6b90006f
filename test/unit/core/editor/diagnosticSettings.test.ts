import * as assert from 'node:assert/strict';
import { diag, diagnosticCodes } from '../../../../src/core/diagnostics';
import type { DiagnosticCode } from '../../../../src/core/diagnostics';
import { applyDiagnosticSettings, codeFamilies, effectiveSeverity, familyOfCode, settingsProblems } from '../../../../src/core/editor/diagnosticSettings';

const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

describe('core/editor/diagnosticSettings', () => {
  it('puts every code in exactly one family, and no family is named like a code', () => {
    const seen = new Map<string, string>();
    for (const [family, info] of Object.entries(codeFamilies)) {
      assert.ok(!(family in diagnosticCodes), `family ${family} shares its name with a code`);
      for (const c of info.codes) {
        assert.ok(c in diagnosticCodes, `${c} of ${family} is a code`);
        assert.ok(!seen.has(c), `${c} is in ${seen.get(c)} and ${family}`);
        seen.set(c, family);
      }
    }
    assert.deepEqual([...seen.keys()].sort(), Object.keys(diagnosticCodes).sort());
    assert.equal(familyOfCode('undefined-variable'), 'variables');
  });

  it('drops disabled codes and families, and changes severities (a code beats its family)', () => {
    const list = [
      diag('undefined-variable', 'a.prompt', at, 'x'),
      diag('unused-variable', 'a.prompt', at, 'y'),
      diag('approved-without-owners', 'asset.yaml', at, 'z'),
      diag('secret-in-asset', 'a.prompt', at, 's'),
      diag('model-not-allowed', 'a.prompt', at, 'm'),
    ];
    const out = applyDiagnosticSettings(list, {
      disabled: ['policy', 'secret-in-asset'],
      severityOverrides: { variables: 'info', 'unused-variable': 'error', models: 'off' },
    });
    assert.deepEqual(
      out.map((d) => [d.code, d.severity]),
      [
        ['undefined-variable', 'info'],
        ['unused-variable', 'error'],
      ],
    );
    assert.equal(list[0].severity, 'warning', 'the input is not changed');
  });

  it('keeps the list as it is without settings, and ignores unknown severities', () => {
    const list = [diag('schema', 'asset.yaml', at, 'x')];
    assert.deepEqual(applyDiagnosticSettings(list, { disabled: [], severityOverrides: {} }), list);
    assert.equal(effectiveSeverity('schema', 'error', { disabled: [], severityOverrides: { schema: 'loud' } }), 'error');
  });

  it('names the entries that are neither codes nor families, and unknown severities', () => {
    const problems = settingsProblems({ disabled: ['variables', 'no-such-code'], severityOverrides: { schema: 'loud', nope: 'info' } });
    assert.equal(problems.length, 3);
    assert.match(problems[0], /"no-such-code"/);
    assert.match(problems.join('\n'), /"schema" is set to "loud"/);
    assert.deepEqual(settingsProblems({ disabled: Object.keys(codeFamilies), severityOverrides: Object.fromEntries((Object.keys(diagnosticCodes) as DiagnosticCode[]).map((c) => [c, 'info'])) }), []);
  });
});
