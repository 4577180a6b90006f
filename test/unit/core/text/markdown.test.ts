// Markdown for library text: escaping outside code spans, none inside; code spans as quotes on plain-text surfaces.

import assert from 'node:assert/strict';
import { codeSpan, escapeMarkdown, quoteCodeSpans } from '../../../../src/core/text/markdown';

describe('core/text/markdown', () => {
  it('escapes what Markdown would read as syntax, the dots of autolinks included', () => {
    assert.equal(escapeMarkdown('a [b](c) <d> *e* `f`'), 'a \\[b\\]\\(c\\) \\<d\\> \\*e\\* \\`f\\`');
    assert.equal(escapeMarkdown('evals@2.1.0'), 'evals@2\\.1\\.0');
  });

  it('writes a code span without escapes inside (Markdown shows them literally), fencing backticks', () => {
    assert.equal(codeSpan('claim-summary'), '`claim-summary`');
    assert.equal(codeSpan('claim-summary-evals@2.1.0'), '`claim-summary-evals@2.1.0`');
    assert.equal(codeSpan('a`b'), '`` a`b ``');
  });

  it('turns code spans into quotes for plain text, and leaves other text alone', () => {
    assert.equal(quoteCodeSpans('`nmae` is used but not declared; add `nmae` to `input.schema`.'), "'nmae' is used but not declared; add 'nmae' to 'input.schema'.");
    assert.equal(quoteCodeSpans('Run `genai-assets update . pii-redaction`'), "Run 'genai-assets update . pii-redaction'");
    assert.equal(quoteCodeSpans("set `name: 'x'`"), `set "name: 'x'"`);
    assert.equal(quoteCodeSpans('a `` b`c `` d'), "a 'b`c' d");
    assert.equal(quoteCodeSpans('no spans, one ` tick'), 'no spans, one ` tick');
  });
});
