import * as assert from 'node:assert/strict';
import { fieldInfo, fieldsAt, schemasAt, valuesAt } from '../../../../src/core/editor/schemaInfo';

describe('core/editor/schemaInfo', () => {
  it('lists the fields of a mapping with descriptions, types and required flags', () => {
    const fields = fieldsAt('asset', []);
    const status = fields.find((f) => f.name === 'status');
    assert.ok(status);
    assert.equal(status.required, true);
    assert.deepEqual(status.enum, ['draft', 'review', 'approved', 'deprecated']);
    assert.match(status.description ?? '', /Lifecycle status/);
    assert.deepEqual(fields.find((f) => f.name === 'targets')?.types, ['array']);
    assert.deepEqual(
      fieldsAt('library', ['models', 0]).map((f) => f.name),
      ['id', 'contextWindow', 'maxOutputTokens', 'pricing', 'parameters', 'deprecated', 'replacedBy', 'tokenizer'],
    );
    assert.deepEqual(
      fieldsAt('library', ['models', 3, 'pricing']).map((f) => f.name),
      ['inputPerMTok', 'outputPerMTok'],
    );
  });

  it('follows $ref, items, additionalProperties and patternProperties', () => {
    assert.match(fieldInfo('asset', ['targets', 0])?.description ?? '', /id@range/);
    assert.match(fieldInfo('asset', ['replacedBy'])?.description ?? '', /reference to use instead/);
    assert.match(fieldInfo('dotprompt', ['myext.field'])?.description ?? '', /Extension field/);
    assert.deepEqual(schemasAt('asset', ['nope']), []);
    assert.equal(fieldInfo('asset', ['approval', 'nope']), undefined);
  });

  it('gives the allowed values of scalars: enums and booleans', () => {
    assert.deepEqual(valuesAt('library', ['policy', 'scaffoldStatuses', 0]), ['draft', 'review', 'approved', 'deprecated']);
    assert.deepEqual(valuesAt('library', ['policy', 'requireOwners']), [true, false]);
    assert.deepEqual(valuesAt('asset', ['kind']), ['prompt', 'eval', 'module', 'template']);
    assert.deepEqual(valuesAt('asset', ['title']), []);
  });

  it('describes the file itself at the empty path', () => {
    assert.match(fieldInfo('pilot', [])?.title ?? '', /pilot\.yaml/);
  });
});
