// Turns one file's bytes into a ParsedFile: a pure function of (path, content), safe to cache by blob id.

import { scanSecrets } from './secrets';
import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode, maxTextFileBytes } from '../limits';
import { decodeUtf8, looksBinary, TextDocument, emptyRange } from '../text/textDocument';
import { formatOfPath, isYamlPath, sniffYamlFormat } from './detect';
import { parseDotprompt } from './dotprompt';
import { parseGhModels } from './ghModels';
import { parseManifest } from './manifests';
import { parseMarkdownPrompt } from './markdownPrompt';
import { parsePromptfoo } from './promptfoo';
import { parsePrompty } from './prompty';
import type { FormatId, ParsedFile } from './types';
import { sha256Hex } from '../hash';

/** A format module: fills in `file` from the document. It may throw; the caller turns that into a diagnostic. */
export type FormatParser = (file: ParsedFile, doc: TextDocument) => void;

const parsers: Partial<Record<FormatId, FormatParser>> = {
  'library-manifest': (f, d) => void parseManifest(f, d),
  'asset-manifest': (f, d) => void parseManifest(f, d),
  'pilot-manifest': (f, d) => void parseManifest(f, d),
  prompty: parsePrompty,
  'vscode-prompt': parseMarkdownPrompt,
  'vscode-agent': parseMarkdownPrompt,
  'vscode-instructions': parseMarkdownPrompt,
  skill: parseMarkdownPrompt,
  'gh-models': parseGhModels,
  promptfoo: parsePromptfoo,
  dotprompt: parseDotprompt,
};

/**
 * Parses a file. Never throws: unreadable, binary, oversized or undecodable content and
 * parser failures become diagnostics on the file.
 */
export function parseFile(path: string, bytes: Uint8Array, formatHint?: FormatId): ParsedFile {
  const file: ParsedFile = {
    path,
    format: formatHint ?? formatOfPath(path) ?? 'text',
    sha256: sha256Hex(bytes),
    size: bytes.length,
    text: false,
    diagnostics: [],
    meta: {},
  };
  const recognised = file.format !== 'text';
  if (bytes.length > maxTextFileBytes) {
    if (recognised) {
      file.diagnostics.push(
        diag('unreadable-file', path, emptyRange, `The file is ${(bytes.length / 1048576).toFixed(1)} MB, over the ${maxTextFileBytes / 1048576} MB limit for a text asset; it was not checked. Split it or move large data out of the library.`),
      );
    }
    return file;
  }
  if (looksBinary(bytes)) {
    if (recognised) file.diagnostics.push(diag('unreadable-file', path, emptyRange, 'The file holds binary data, not text; a recognised asset file must be UTF-8 text.'));
    return file;
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    if (recognised) file.diagnostics.push(diag('unreadable-file', path, emptyRange, 'The file is not valid UTF-8; save it as UTF-8.'));
    return file;
  }
  file.text = true;
  const doc = new TextDocument(text);
  if (!formatHint && !recognised && isYamlPath(path)) file.format = sniffYamlFormat(doc.text.slice(0, 4096)) ?? 'text';
  const parser = parsers[file.format];
  if (parser) {
    try {
      parser(file, doc);
    } catch (e) {
      file.diagnostics.push(
        diag('unreadable-file', path, emptyRange, `Internal error while checking this ${file.format} file: ${(e as Error).message}. Please report it with the file.`),
      );
    }
  }
  try {
    file.diagnostics.push(...scanSecrets(file, doc));
  } catch (e) {
    file.diagnostics.push(diag('unreadable-file', path, emptyRange, `Internal error while scanning this file for secrets: ${(e as Error).message}. Please report it with the file.`));
  }
  file.diagnostics = capPerCode(file.diagnostics, maxDiagnosticsPerCode);
  return file;
}
