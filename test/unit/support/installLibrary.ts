// A library of real instructions, agents, skills, Cursor rules and repository instructions for install tests, and a CLI runner over the test git environment.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { fixturesDir, sampleLibrary } from '../paths';
import { testGitEnv } from './gitServer';

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in `cwd` with the test git environment and the cache folder `cacheDir`. */
export async function runCli(args: string[], cwd: string, cacheDir: string): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd, env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: cacheDir }, color: false };
  const code = await main(args, io);
  return { code, out, err };
}

/** A file of test/fixtures/real (copied from public repositories). */
export const real = (...rel: string[]) => readFileSync(path.join(fixturesDir, 'real', ...rel), 'utf8');

export function manifest(id: string, kind: string, entry: string, extra = ''): string {
  return `id: ${id}\nkind: ${kind}\nversion: 1.0.0\nstatus: approved\nowners: [platform-team]\nentry: ${entry}\n${extra}`;
}

/** A library of real instructions, agents, skills, Cursor rules and repository instructions (awesome-copilot, awesome-cursorrules, claude-code-action, openai-agents-python). */
export function installLibraryFiles(): Record<string, string> {
  return {
    'library.yaml': 'name: team-library\npolicy:\n  scaffoldStatuses: [approved]\n  requireApproval: false\n',
    'instructions/langchain-python/asset.yaml': manifest('langchain-python', 'prompt', 'langchain-python.instructions.md'),
    'instructions/langchain-python/langchain-python.instructions.md': real('awesome-copilot', 'instructions', 'langchain-python.instructions.md'),
    'instructions/caveman-mode/asset.yaml': manifest('caveman-mode', 'prompt', 'caveman-mode.instructions.md'),
    'instructions/caveman-mode/caveman-mode.instructions.md': real('awesome-copilot', 'instructions', 'caveman-mode.instructions.md'),
    'instructions/agents-python/asset.yaml': manifest('agents-python', 'prompt', 'AGENTS.md'),
    'instructions/agents-python/AGENTS.md': real('openai-agents-python', 'AGENTS.md'),
    'agents/adr-generator/asset.yaml': manifest('adr-generator', 'prompt', 'adr-generator.agent.md', 'dependsOn: [acquire-codebase-knowledge@^1.0]\n'),
    'agents/adr-generator/adr-generator.agent.md': real('awesome-copilot', 'agents', 'adr-generator.agent.md'),
    'skills/acquire-codebase-knowledge/asset.yaml': manifest('acquire-codebase-knowledge', 'module', 'SKILL.md'),
    'skills/acquire-codebase-knowledge/SKILL.md': real('awesome-copilot', 'skills', 'acquire-codebase-knowledge', 'SKILL.md'),
    'rules/ankra-cli/asset.yaml': manifest('ankra-cli', 'prompt', 'ankra-cli.mdc'),
    'rules/ankra-cli/ankra-cli.mdc': real('awesome-cursorrules', 'rules', 'ankra-cli.mdc'),
    'rules/devsecops/asset.yaml': manifest('devsecops', 'prompt', 'security-devsecops-ssdls-appsec.mdc'),
    'rules/devsecops/security-devsecops-ssdls-appsec.mdc': real('awesome-cursorrules', 'rules', 'security-devsecops-ssdls-appsec.mdc'),
    '.claude/agents/asset.yaml': manifest('code-quality-reviewer', 'prompt', 'code-quality-reviewer.md'),
    '.claude/agents/code-quality-reviewer.md': real('claude-code-action', '.claude', 'agents', 'code-quality-reviewer.md'),
    'prompts/adjuster-email-reply/asset.yaml': manifest('adjuster-email-reply', 'prompt', 'adjuster-email-reply.prompt.md'),
    'prompts/adjuster-email-reply/adjuster-email-reply.prompt.md': readFileSync(path.join(sampleLibrary, 'prompts', 'adjuster-email-reply', 'adjuster-email-reply.prompt.md'), 'utf8'),
    'drafts/caveman-draft/asset.yaml': manifest('caveman-draft', 'prompt', 'caveman-draft.instructions.md').replace('status: approved', 'status: draft'),
    'drafts/caveman-draft/caveman-draft.instructions.md': real('awesome-copilot', 'instructions', 'caveman-mode.instructions.md'),
  };
}
