// Library sources: accepted and refused git URLs, normalisation into cache folder names, refs, redaction.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { UserError } from '../../../../src/core/errors';
import { folderNameFor, libraryArgument, librarySource, looksLikeGitUrl, parseGitUrl, redactCredentials, validateRef } from '../../../../src/core/library/source';

const resolvePath = (p: string): string => path.resolve('/work/here', p);

function refused(url: string, pattern: RegExp): void {
  assert.throws(
    () => parseGitUrl(url),
    (e: unknown) => e instanceof UserError && pattern.test(e.message),
    `${url} should be refused with ${pattern}`,
  );
}

describe('library sources', () => {
  it('accepts https, ssh, git, file and scp-like URLs with their protocol', () => {
    assert.equal(parseGitUrl('https://github.com/acme/lib.git').protocol, 'https');
    assert.equal(parseGitUrl('ssh://git@example.com:2222/acme/lib.git').protocol, 'ssh');
    assert.equal(parseGitUrl('git://127.0.0.1:9418/lib.git').protocol, 'git');
    assert.equal(parseGitUrl('file:///srv/git/lib.git').protocol, 'file');
    assert.equal(parseGitUrl('git@github.com:acme/lib.git').protocol, 'ssh');
    assert.equal(parseGitUrl('/srv/git/lib.git').protocol, 'file');
  });

  it('refuses ext::, fd:: and any other :: transport before git runs', () => {
    refused('ext::sh -c touch% /tmp/pwned', /'ext::' transport, which is refused/);
    refused('ext::sh', /'ext::' transport/);
    refused('fd::3', /'fd::' transport/);
    refused('https::https://example.com/x', /'https::' transport/);
    refused('weird::thing', /'weird::' transport/);
  });

  it('refuses anything git could read as an option', () => {
    refused('--upload-pack=touch /tmp/pwned', /starts with '-'/);
    refused('-uevil', /starts with '-'/);
    refused('ssh://-oProxyCommand=evil/x', /host name starting with '-'/);
    refused('-oProxyCommand=evil:repo', /starts with '-'/);
    refused('user@-host:repo', /host name starting with '-'/);
    refused('host:-repo', /path starting with '-'/);
    refused('ssh://host/-repo', /path starting with '-'/);
  });

  it('refuses other schemes, http:, control characters and malformed URLs with what to do', () => {
    refused('http://example.com/x.git', /http:.*Use https: instead/);
    refused('ftp://example.com/x.git', /'ftp:' scheme, which is not accepted\. Use an https:, ssh:, git: or file: URL/);
    refused('https://exa mple.com/x', /spaces or control characters/);
    refused('https://example.com/x\n--upload-pack=x', /control characters/);
    refused('https://', /no host|well-formed/);
    refused('file://otherhost/x', /names a host in a file: URL/);
    refused('relative/path', /neither a URL nor an absolute path/);
    assert.throws(() => parseGitUrl('  '), /empty/);
  });

  it('normalises URLs so spellings of one repository share a cache folder', () => {
    const a = parseGitUrl('https://GitHub.com/acme/lib.git');
    const b = parseGitUrl('https://github.com/acme/lib/');
    const c = parseGitUrl('https://user:secret@github.com:443/acme/lib');
    assert.equal(a.key, 'https://github.com/acme/lib');
    assert.equal(b.key, a.key);
    assert.equal(c.key, a.key);
    assert.equal(a.folderName, b.folderName);
    assert.match(a.folderName, /^lib-[0-9a-f]{16}$/);
    assert.equal(parseGitUrl('git@github.com:acme/lib.git').key, 'ssh://git@github.com/acme/lib');
    assert.equal(parseGitUrl('ssh://git@github.com/acme/lib.git').key, 'ssh://git@github.com/acme/lib');
    assert.notEqual(parseGitUrl('https://github.com/acme/other').folderName, a.folderName);
    assert.equal(parseGitUrl('git://127.0.0.1:9418/lib').key, 'git://127.0.0.1/lib');
    assert.equal(parseGitUrl('git://127.0.0.1:9999/lib').key, 'git://127.0.0.1:9999/lib');
    assert.equal(folderNameFor('file:///x/y/'), folderNameFor('file:///x/y/'));
  });

  it('gives one cache folder per URL and ref', () => {
    const main = librarySource({ url: 'https://example.com/lib', ref: 'main' }, { resolvePath });
    const tag = librarySource({ url: 'https://example.com/lib', ref: 'v1.0.0' }, { resolvePath });
    const none = librarySource({ url: 'https://example.com/lib' }, { resolvePath });
    assert.equal(main.kind, 'git');
    assert.equal(new Set([main, tag, none].map((s) => (s.kind === 'git' ? s.folderName : ''))).size, 3);
  });

  it('redacts user:password@ and tokens, keeps ssh user names', () => {
    assert.equal(redactCredentials('fatal: https://bob:hunter2@example.com/x.git failed'), 'fatal: https://bob:***@example.com/x.git failed');
    assert.equal(redactCredentials('https://ghp_token123@github.com/a/b'), 'https://***@github.com/a/b');
    assert.equal(redactCredentials('ssh://git@github.com/a/b'), 'ssh://git@github.com/a/b');
    assert.equal(redactCredentials('ssh://git:pw@github.com/a/b'), 'ssh://git:***@github.com/a/b');
    const parsed = parseGitUrl('https://bob:hunter2@example.com/x.git');
    assert.equal(parsed.display, 'https://bob:***@example.com/x.git');
    assert.ok(!parsed.key.includes('hunter2'));
    assert.ok(!parsed.folderName.includes('hunter2'));
    assert.throws(
      () => parseGitUrl('ftp://bob:hunter2@example.com/x'),
      (e: Error) => !e.message.includes('hunter2'),
    );
  });

  it('validates refs: branch, tag, commit yes; options and git-forbidden names no', () => {
    for (const ok of ['main', 'release/1.x', 'v1.2.0', '0123456789abcdef0123456789abcdef01234567']) assert.equal(validateRef(ok), ok);
    for (const bad of ['--upload-pack=x', '-b', 'a..b', 'a b', 'x:y', 'x^', 'x~1', 'a@{1}', 'foo.lock', '', 'a/.hidden', 'end/']) {
      assert.throws(() => validateRef(bad), UserError, bad);
    }
  });

  it('tells URLs from folders for --library', () => {
    assert.equal(looksLikeGitUrl('https://x/y'), true);
    assert.equal(looksLikeGitUrl('git@host:repo.git'), true);
    assert.equal(looksLikeGitUrl('ext::sh'), true);
    assert.equal(looksLikeGitUrl('./lib'), false);
    assert.equal(looksLikeGitUrl('C:\\lib'), false);
    assert.equal(looksLikeGitUrl('lib'), false);
    assert.equal(libraryArgument('lib', { resolvePath }).kind, 'folder');
    assert.throws(() => libraryArgument('--upload-pack=evil', { resolvePath }), /starts with '-'/);
    assert.throws(() => libraryArgument('ext::sh -c x', { resolvePath }), /'ext::' transport/);
    const g = libraryArgument('https://x.test/lib.git', { resolvePath, ref: 'v1' });
    assert.equal(g.kind === 'git' && g.ref, 'v1');
  });

  it('checks configured libraries: url or path, ref only with url', () => {
    assert.throws(() => librarySource({ name: 'x' }, { resolvePath }), /library "x": a library needs a url \(git\) or a path/);
    assert.throws(() => librarySource({ url: 'https://x/y', path: 'z' }, { resolvePath }), /either url or path/);
    assert.throws(() => librarySource({ path: 'z', ref: 'main' }, { resolvePath }), /ref is only meaningful with a git url/);
    const f = librarySource({ path: 'lib' }, { resolvePath });
    assert.deepEqual(f, { kind: 'folder', path: path.resolve('/work/here', 'lib') });
    assert.throws(() => librarySource({ name: 'acme', url: 'ext::sh' }, { resolvePath }), /library "acme": library URL "ext::sh"/);
  });
});
