// The compact index-cache entry of a catalog-level file: only the fields the catalog is built from, positions and empty fields left out.

import type { FormatId, InputDecl, ModelUse, ParsedFile, TemplateLanguage } from '../formats/types';
import type { IndexEntryCodec } from './indexCache';
import { emptyRange } from '../text/textDocument';

/** Stored form: [format, size, text, meta, document, partialName, templateLanguage, inputs, models, providers]; 0 stands for absent. */
type Stored = [FormatId, number, 0 | 1, ParsedFile['meta'] | 0, unknown, string | 0, TemplateLanguage | 0, StoredInput[] | 0, StoredModel[] | 0, StoredModel[] | 0];
/** [name, type, required, description, default?]. */
type StoredInput = [string, InputDecl['type'], 0 | 1, string | 0] | [string, InputDecl['type'], 0 | 1, string | 0, unknown];
/** [id, parameter names]. */
type StoredModel = [string, string[]];

const isManifest = (f: FormatId) => f === 'library-manifest' || f === 'asset-manifest' || f === 'pilot-manifest';

function models(list: ModelUse[] | undefined): StoredModel[] | 0 {
  return list ? list.map((m) => [m.id, m.parameters.map((p) => p.name)]) : 0;
}

function unmodels(list: StoredModel[]): ModelUse[] {
  return list.map(([id, params]) => ({ id, range: emptyRange, parameters: params.map((name) => ({ name, range: emptyRange })) }));
}

/** The meta of a manifest, from its document (as parseManifest reads it). */
function manifestMeta(doc: unknown): ParsedFile['meta'] {
  const meta: ParsedFile['meta'] = {};
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return meta;
  const v = doc as Record<string, unknown>;
  if (typeof v.title === 'string') meta.title = v.title;
  if (typeof v.description === 'string') meta.description = v.description;
  if (typeof v.version === 'string') meta.version = v.version;
  if (typeof v.name === 'string') meta.name = v.name;
  if (Array.isArray(v.tags)) meta.tags = v.tags.filter((t): t is string => typeof t === 'string');
  return meta;
}

/**
 * Entries of the catalog-level index cache (catalog.v1.cache). A file read by
 * parseFile at the catalog level comes back field for field, with zero ranges; the providers of an eval
 * suite come back as its `evalSuite` (with no tests) and as its models.
 */
export const catalogCodec: IndexEntryCodec = {
  name: 'catalog-1',
  encode(f: ParsedFile): string {
    const manifest = isManifest(f.format);
    const stored: Stored = [
      f.format,
      f.size,
      f.text ? 1 : 0,
      manifest || !Object.keys(f.meta).length ? 0 : f.meta,
      f.document === undefined ? 0 : [f.document],
      f.partialName ?? 0,
      f.templateLanguage ?? 0,
      f.inputs ? f.inputs.map((i) => (i.default === undefined ? [i.name, i.type, i.required ? 1 : 0, i.description ?? 0] : [i.name, i.type, i.required ? 1 : 0, i.description ?? 0, i.default])) : 0,
      f.evalSuite ? 0 : models(f.models),
      f.evalSuite ? models(f.evalSuite.providers) : 0,
    ];
    return JSON.stringify(stored);
  },
  decode(text: string, path: string): ParsedFile | undefined {
    const s = JSON.parse(text) as Stored;
    if (!Array.isArray(s) || s.length !== 10 || typeof s[0] !== 'string' || typeof s[1] !== 'number') return undefined;
    const [format, size, isText, meta, doc, partialName, language, inputs, ms, providers] = s;
    const f: ParsedFile = { path, format, sha256: '', size, text: isText === 1, diagnostics: [], meta: {} };
    if (doc !== 0) f.document = (doc as unknown[])[0];
    f.meta = isManifest(format) ? (f.document === undefined ? {} : manifestMeta(f.document)) : meta === 0 ? {} : meta;
    if (partialName !== 0) f.partialName = partialName;
    if (language !== 0) f.templateLanguage = language;
    if (inputs !== 0) {
      f.inputs = inputs.map((i) => {
        const decl: InputDecl = { name: i[0], type: i[1], required: i[2] === 1, range: emptyRange };
        if (i[3] !== 0) decl.description = i[3];
        if (i.length === 5) decl.default = i[4];
        return decl;
      });
    }
    if (ms !== 0) f.models = unmodels(ms);
    if (providers !== 0) {
      f.evalSuite = { prompts: [], providers: unmodels(providers), tests: [], defaultVars: [] };
      f.models = f.evalSuite.providers;
    }
    return f;
  },
};
