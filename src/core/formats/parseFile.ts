// Turns one file's bytes into a ParsedFile: a pure function of (path, content), safe to cache by blob id.

import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode, maxTextFileBytes } from '../limits';
import { decodeUtf8, looksBinary, TextDocument, emptyRange } from '../text/textDocument';
import { formatOfPath, isYamlPath, sniffYamlFormat } from './detect';
import { formatModule } from './registry';
import type { CatalogLevel, FormatId, InputDecl, ModelUse, ParsedFile } from './types';
import { sha256Hex } from '../hash';

/**
 * Parses a file at a level (default `full`). Never throws: unreadable, binary, oversized or
 * undecodable content and parser failures become diagnostics on the file. The `catalog` level
 * gives `catalogProjection` of what the same parser reads, with no diagnostics.
 */
export function parseFile(path: string, bytes: Uint8Array, formatHint?: FormatId, level: CatalogLevel = 'full'): ParsedFile {
  return parseWithText(path, bytes, formatHint, level).file;
}

/** `parseFile`, and the decoded text when there was one (the file checks read it). */
export function parseWithText(path: string, bytes: Uint8Array, formatHint?: FormatId, level: CatalogLevel = 'full'): { file: ParsedFile; doc?: TextDocument } {
  const full = level === 'full';
  const file: ParsedFile = {
    path,
    format: formatHint ?? formatOfPath(path) ?? 'text',
    sha256: full ? sha256Hex(bytes) : '',
    size: bytes.length,
    text: false,
    diagnostics: [],
    meta: {},
  };
  const recognised = file.format !== 'text';
  if (bytes.length > maxTextFileBytes) {
    if (recognised && full) {
      file.diagnostics.push(
        diag(
          'file-too-large',
          path,
          emptyRange,
          `The file is ${(bytes.length / 1048576).toFixed(1)} MiB, over the ${maxTextFileBytes / 1048576} MiB limit of this checker for a text asset; it was not checked. Split it or move large data out of the library.`,
        ),
      );
    }
    return { file };
  }
  if (looksBinary(bytes)) {
    if (recognised && full) file.diagnostics.push(diag('unreadable-file', path, emptyRange, 'The file holds binary data, not text; a recognised asset file must be UTF-8 text.'));
    return { file };
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    if (recognised && full) file.diagnostics.push(diag('unreadable-file', path, emptyRange, 'The file is not valid UTF-8; save it as UTF-8.'));
    return { file };
  }
  file.text = true;
  const doc = new TextDocument(text);
  if (!formatHint && !recognised && isYamlPath(path)) file.format = sniffYamlFormat(doc.text.slice(0, 4096)) ?? 'text';
  const parser = formatModule(file.format)?.parse;
  if (parser) {
    try {
      parser(file, doc, level);
    } catch (e) {
      file.diagnostics.push(diag('unreadable-file', path, emptyRange, `Internal error while checking this ${file.format} file: ${(e as Error).message}. Please report it with the file.`));
    }
  }
  if (!full) return { file: catalogProjection(file), doc };
  file.diagnostics = capPerCode(file.diagnostics, maxDiagnosticsPerCode);
  return { file, doc };
}

/**
 * What the catalog is built from, and all a `catalog`-level parse keeps: format, size, meta,
 * manifest document, partial name, template language, inputs, models, eval providers and
 * samples, with zero ranges and no diagnostics (the snapshot stores exactly this).
 */
export function catalogProjection(f: ParsedFile): ParsedFile {
  const out: ParsedFile = { path: f.path, format: f.format, sha256: '', size: f.size, text: f.text, diagnostics: [], meta: f.meta };
  if (f.document !== undefined) out.document = f.document;
  if (f.partialName !== undefined) out.partialName = f.partialName;
  if (f.templateLanguage !== undefined) out.templateLanguage = f.templateLanguage;
  if (f.inputs) {
    out.inputs = f.inputs.map((i) => {
      const decl: InputDecl = { name: i.name, type: i.type, required: i.required, range: emptyRange };
      if (i.description !== undefined) decl.description = i.description;
      if (i.default !== undefined) decl.default = i.default;
      return decl;
    });
  }
  const zeroModel = (m: ModelUse): ModelUse => ({ id: m.id, range: emptyRange, parameters: m.parameters.map((p) => ({ name: p.name, range: emptyRange })) });
  if (f.evalSuite) {
    out.evalSuite = { prompts: [], providers: f.evalSuite.providers.map(zeroModel), tests: [], defaultVars: [] };
    out.models = out.evalSuite.providers;
  } else if (f.models) out.models = f.models.map(zeroModel);
  if (f.samples) out.samples = f.samples;
  return out;
}
