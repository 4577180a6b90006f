// The lock file keeps `npm ci` free of warnings: every package supports this Node, and every install script is reviewed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { repoRoot } from '../paths';

interface LockEntry {
  version?: string;
  engines?: { node?: string };
  hasInstallScript?: boolean;
}

const read = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
const lockPackages = Object.entries((read('package-lock.json').packages ?? {}) as Record<string, LockEntry>).filter(([key]) => key !== '');
const nameOf = (key: string): string => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('dependencies (npm ci)', () => {
  it('supports the running Node in every locked package (no EBADENGINE warning)', () => {
    const unsupported = lockPackages
      .filter(([, entry]) => entry.engines?.node && !semver.satisfies(process.versions.node, entry.engines.node))
      .map(([key, entry]) => `${nameOf(key)}@${entry.version} needs node ${entry.engines?.node}`);
    assert.deepEqual(unsupported, [], `Node ${process.versions.node}`);
  });

  it('names every package with an install script in allowScripts (allowed or denied)', () => {
    const allowScripts = (read('package.json').allowScripts ?? {}) as Record<string, boolean>;
    // A key is a package name, optionally with @ and a version range (pinned approvals).
    const rules = Object.keys(allowScripts).map((key) => {
      const at = key.indexOf('@', 1);
      return at < 0 ? { name: key, range: '*' } : { name: key.slice(0, at), range: key.slice(at + 1) };
    });
    const unreviewed = lockPackages
      .filter(([key, entry]) => entry.hasInstallScript && !rules.some((r) => r.name === nameOf(key) && semver.satisfies(entry.version ?? '', r.range)))
      .map(([key, entry]) => `${nameOf(key)}@${entry.version}`);
    assert.deepEqual(unreviewed, [], 'review them with `npm install-scripts ls`, then approve or deny each');
  });
});
