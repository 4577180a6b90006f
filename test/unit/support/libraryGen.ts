// Generates libraries of N managed assets (prompt, some evals) for git tests and benchmarks.

/** Folder of asset `i` (zero-padded so listings sort naturally). */
export function assetFolder(i: number): string {
  return `prompts/p${String(i).padStart(5, '0')}`;
}

export function promptAsset(i: number, revision = 0): Record<string, string> {
  const id = `p${String(i).padStart(5, '0')}`;
  const folder = assetFolder(i);
  return {
    [`${folder}/asset.yaml`]: `id: ${id}\nkind: prompt\nversion: 1.0.${revision}\nstatus: draft\ntitle: Prompt ${i}\ndescription: Summarises a ticket, revision ${revision}\nowners: [team-${i % 7}]\ntags: [gen, t${i % 10}]\nentry: ${id}.prompt\n`,
    [`${folder}/${id}.prompt`]: `---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    ticket: string\n    tone?: string\n---\nSummarise this ticket (revision ${revision}) in a {{tone}} tone:\n\n{{ticket}}\n`,
  };
}

function evalAsset(i: number): Record<string, string> {
  const id = `e${String(i).padStart(5, '0')}`;
  const target = `p${String(i).padStart(5, '0')}`;
  return {
    [`evals/${id}/asset.yaml`]: `id: ${id}\nkind: eval\nversion: 1.0.0\nstatus: draft\nentry: promptfooconfig.yaml\ntargets: [${target}]\n`,
    [`evals/${id}/promptfooconfig.yaml`]: `description: Checks ${target}\nprompts:\n  - file://../../${assetFolder(i)}/${target}.prompt\nproviders:\n  - openai:gpt-4o-mini\ntests:\n  - vars:\n      ticket: The printer is on fire\n      tone: calm\n    assert:\n      - type: contains\n        value: printer\n`,
  };
}

/** A library of `n` prompt assets, with an eval suite for every `evalEvery`-th one. */
export function generateLibrary(n: number, opts: { evalEvery?: number; name?: string } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'library.yaml': `name: ${opts.name ?? 'generated'}\ndescription: A generated library\npolicy:\n  requireOwners: false\n`,
  };
  const every = opts.evalEvery ?? 10;
  for (let i = 0; i < n; i++) {
    Object.assign(files, promptAsset(i));
    if (every > 0 && i % every === 0) Object.assign(files, evalAsset(i));
  }
  return files;
}
