// Benchmark: time to scaffold a pilot with 10 components (sample library and a generated one). Prints figures; asserts nothing.
// Run: npx tsx test/bench/scaffold.ts [--assets N] [--runs R]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { folderSource } from '../../src/core/library/fileSource';
import { applyScaffold } from '../../src/core/scaffold/apply';
import { planScaffold, resolveComponents, resolveTemplate } from '../../src/core/scaffold/plan';
import { checkParameters } from '../../src/core/library/parameters';
import { nodeFileSystem, nodePathOps } from '../../src/node/fileSystem';
import { openFolderLibrary } from '../../src/node/openFolder';
import { sampleLibrary } from '../unit/paths';
import { generateLibrary } from '../unit/support/libraryGen';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const assets = arg('assets', 500);
const runs = arg('runs', 5);
const scratch = mkdtempSync(path.join(tmpdir(), 'genai-bench-scaffold-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

/** A generated library of `n` prompts (approved, every 10th with an eval suite) and a small template. */
function generated(n: number): string {
  const root = path.join(scratch, 'generated');
  const files = generateLibrary(n, { evalEvery: 10, name: 'bench' });
  for (const k of Object.keys(files)) if (k.endsWith('asset.yaml')) files[k] = files[k].replace('status: draft', 'status: approved');
  files['library.yaml'] = 'name: bench\npolicy:\n  scaffoldStatuses: [approved]\n  requireOwners: false\n';
  files['templates/app/asset.yaml'] = 'id: app\nkind: template\nversion: 1.0.0\nstatus: approved\nparameters:\n  type: object\n  properties:\n    team: { type: string, default: bench }\n';
  files['templates/app/README.md'] = '# {{name}}\n\nTeam {{team}}.\n';
  files['templates/app/src/{{name}}/main.py'] = 'print("{{name}}")\n';
  writeTree(root, files);
  return root;
}

async function timeCore(label: string, libDir: string, template: string, refs: string[], set: Record<string, string>): Promise<void> {
  const open: number[] = [];
  const plan: number[] = [];
  const apply: number[] = [];
  let components = 0;
  let files = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const catalog = await openFolderLibrary(libDir);
    const t1 = performance.now();
    const t = resolveTemplate(catalog, template);
    const selected = resolveComponents(catalog, refs, { requiredBy: [t.asset] });
    const params = checkParameters(t.asset.parameters, set, { raw: true });
    const p = await planScaffold({
      catalog,
      source: folderSource(nodeFileSystem, nodePathOps, libDir),
      library: { name: catalog.library.name, url: libDir, commit: '' },
      name: 'bench-pilot',
      template: t.asset,
      templateReference: t.reference,
      components: selected,
      parameters: params.values,
    });
    const t2 = performance.now();
    const out = path.join(scratch, `out-${label.replace(/\W+/g, '-')}-${r}`);
    await applyScaffold(nodeFileSystem, nodePathOps, out, p.files);
    const t3 = performance.now();
    open.push(t1 - t0);
    plan.push(t2 - t1);
    apply.push(t3 - t2);
    components = selected.length;
    files = p.files.length;
  }
  const total = open.map((o, i) => o + plan[i] + apply[i]);
  console.log(
    `${label}: ${components} components, ${files} files; median of ${runs}: total ${median(total).toFixed(0)} ms (load catalog ${median(open).toFixed(0)} ms, resolve+plan ${median(plan).toFixed(0)} ms, write ${median(apply).toFixed(0)} ms)`,
  );
}

async function timeCli(label: string, args: string[]): Promise<void> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = path.join(scratch, `cli-${label.replace(/\W+/g, '-')}-${r}`);
    let err = '';
    const t0 = performance.now();
    const code = await main([...args, '--out', out], { out: () => undefined, err: (t) => (err += t), cwd: scratch, env: process.env, color: false });
    times.push(performance.now() - t0);
    if (code !== 0) throw new Error(`${label}: exit ${code}: ${err}`);
  }
  console.log(`${label} (CLI end to end, in process): median of ${runs}: ${median(times).toFixed(0)} ms`);
}

async function benchMain(): Promise<void> {
  console.log(`node ${process.version}, ${runs} runs each`);
  // Sample library: every approved component (9) comes in through the template's dependsOn, 3 prompts and their evals.
  await timeCore('sample library', sampleLibrary, 'claims-assistant-pilot', ['claim-summary', 'complaint-classifier', 'policy-question-answering'], { ownerEmail: 'team@example.com' });
  const lib = generated(assets);
  const refs = Array.from({ length: 10 }, (_, i) => `p${String(i * 7 + 1).padStart(5, '0')}`);
  await timeCore(`generated library of ${assets} prompts, 10 requested`, lib, 'app', refs, {});
  await timeCli(`generated library of ${assets} prompts, 10 requested`, ['scaffold', '--library', lib, '--template', 'app', '--name', 'bench-pilot', '--with', refs.join(','), '--no-evals']);
  await timeCli('sample library', [
    'scaffold',
    '--library',
    sampleLibrary,
    '--template',
    'claims-assistant-pilot',
    '--name',
    'bench-pilot',
    '--with',
    'claim-summary,complaint-classifier,policy-question-answering',
    '--set',
    'ownerEmail=team@example.com',
  ]);
}

benchMain()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
