// The CLI's command table: --help and argument errors made from each command's declared options.

import assert from 'node:assert/strict';
import { defineCommand, helpText, parseCommandArgs } from '../../../src/cli/command';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { UserError } from '../../../src/core/errors';

const probe = defineCommand({
  name: 'probe',
  synopsis: 'probe REF',
  summary: 'a command for the tests',
  usage: 'probe REF [--format F] [--max N]',
  description: 'Probes.',
  options: {
    format: { type: 'string', value: 'F', help: 'text or json', choices: ['text', 'json'] },
    max: { type: 'count', value: 'N', help: 'at most N' },
    with: { type: 'strings', value: 'REF', help: 'repeatable' },
    quiet: { type: 'flag', help: 'say less' },
  },
  positionals: { min: 1, max: 1, problem: 'probe takes exactly one reference.' },
  footer: 'Exit codes: 0 always.\n',
  run: () => 0,
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: '/', env: {}, color: false };
  return { code: await main(args, io), out, err };
}

describe('cli/command', () => {
  it('makes the help from the declarations: usage, description, one aligned line per option, -h, the footer', () => {
    assert.equal(
      helpText(probe),
      [
        'Usage: genai-assets probe REF [--format F] [--max N]',
        '',
        'Probes.',
        '',
        'Options:',
        '  --format F  text or json',
        '  --max N     at most N',
        '  --with REF  repeatable',
        '  --quiet     say less',
        '  -h, --help  show this help',
        '',
        'Exit codes: 0 always.',
        '',
      ].join('\n'),
    );
  });

  it('parses options by their type', () => {
    assert.deepEqual(parseCommandArgs(probe, ['r', '--format', 'json', '--max', '3', '--with', 'a', '--with', 'b', '--quiet']), {
      options: { format: 'json', max: 3, with: ['a', 'b'], quiet: true },
      positionals: ['r'],
    });
    assert.deepEqual(parseCommandArgs(probe, ['r']), { options: { format: undefined, max: undefined, with: [], quiet: false }, positionals: ['r'] });
    assert.equal(parseCommandArgs(probe, ['--help']), 'help');
    assert.equal(parseCommandArgs(probe, ['-h', '--format', 'xml']), 'help', '--help before checking values');
  });

  it('an optional value is taken after `=` only, so that the next argument stays a positional', () => {
    const since = defineCommand({
      name: 'since',
      synopsis: 'since [PATH...]',
      summary: 'a command for the tests',
      usage: 'since [PATH...] [--changed[=REF]]',
      description: 'Since.',
      options: { changed: { type: 'optional', value: 'REF', help: 'since REF' } },
      positionals: {},
      run: () => 0,
    });
    assert.deepEqual(parseCommandArgs(since, ['lib']), { options: { changed: undefined }, positionals: ['lib'] });
    assert.deepEqual(parseCommandArgs(since, ['--changed', 'lib']), { options: { changed: true }, positionals: ['lib'] });
    assert.deepEqual(parseCommandArgs(since, ['lib', '--changed=origin/main']), { options: { changed: 'origin/main' }, positionals: ['lib'] });
    assert.deepEqual(parseCommandArgs(since, ['--', '--changed']), { options: { changed: undefined }, positionals: ['--changed'] });
    assert.throws(() => parseCommandArgs(since, ['--changed=']), /--changed= needs a value after `=` \(or give --changed alone\)\./);
    assert.match(helpText(since), /^ {2}--changed\[=REF\] {2}since REF$/m);
  });

  it('refuses values outside the declarations, saying what is allowed', () => {
    const problem = (args: string[]) => {
      try {
        parseCommandArgs(probe, args);
      } catch (e) {
        assert.ok(e instanceof UserError);
        return e.message;
      }
      assert.fail(`accepted ${args.join(' ')}`);
    };
    assert.equal(problem(['r', '--format', 'xml']), '--format must be text or json, not `xml`.');
    assert.equal(problem(['r', '--max=-1']), '--max must be a whole number >= 0, not `-1`.');
    assert.equal(problem(['r', '--max', '1.5']), '--max must be a whole number >= 0, not `1.5`.');
    assert.equal(problem([]), `probe takes exactly one reference.\n\n${helpText(probe)}`);
    assert.equal(problem(['a', 'b']), `probe takes exactly one reference.\n\n${helpText(probe)}`);
    assert.match(problem(['r', '--bogus']), /^Unknown option '--bogus'\n\nUsage: genai-assets probe/);
    assert.match(problem(['r', '--format']), /^Option '--format <value>' argument missing\n\nUsage:/);
  });

  it('the main help lists every command of the table with its summary; each command has its generated help', async () => {
    const help = await run(['help']);
    assert.equal(help.code, 0);
    const names = ['validate', 'list', 'show', 'approve', 'sync', 'scaffold', 'install', 'verify', 'outdated', 'update', 'where-used', 'add', 'propose', 'mcp'];
    const listed = help.out
      .split('\n')
      .filter((l) => /^ {2}[a-z]/.test(l))
      .map((l) => l.trim().split(' ')[0]);
    assert.deepEqual(listed, names);
    assert.match(help.out, /^ {2}validate \[PATH\.\.\.\] {3}check libraries and files \(text, json or sarif output\)$/m);
    assert.match(help.out, /^ {2}add PILOT REF\.\.\. {5}add components \(and their dependencies\) to a pilot$/m);
    for (const name of names) {
      const r = await run([name, '--help']);
      assert.equal(r.code, 0, name);
      assert.match(r.out, new RegExp(`^Usage: genai-assets ${name}`), name);
      assert.match(r.out, /\nOptions:\n(  -.*\n)+/, name);
      assert.match(r.out, /^ {2}-h, --help +show this help$/m, name);
    }
    const bare = await run([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.out, help.out);
  });

  it('lists and shows the --sync option of show, and refuses a second reference', async () => {
    assert.match((await run(['show', '--help'])).out, /^ {2}--sync +sync a git library first$/m);
    const r = await run(['show', 'a', 'b']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^genai-assets: show takes exactly one reference\.\n\nUsage: genai-assets show REF/);
  });
});
