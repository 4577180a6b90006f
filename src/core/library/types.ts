// The catalog model: a library, its policy and model catalogue, and its assets.

import type { Diagnostic, Range } from '../diagnostics';
import type { FormatId, InputDecl, ParsedFile } from '../formats/types';

export type AssetKind = 'prompt' | 'eval' | 'module' | 'template';
export type AssetStatus = 'draft' | 'review' | 'approved' | 'deprecated';

export interface ModelInfo {
  id: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  pricing?: { inputPerMTok?: number; outputPerMTok?: number };
  parameters?: string[];
  deprecated?: boolean;
  replacedBy?: string | null;
  /** How prompts for the model are counted: o200k_base, cl100k_base, or estimate (no public tokenizer); by the id when absent (tokens.ts tokenizerOf). */
  tokenizer?: 'o200k_base' | 'cl100k_base' | 'estimate';
}

export interface Policy {
  scaffoldStatuses: AssetStatus[];
  requireOwners: boolean;
  requireEvalCoverage: boolean;
  /** Approved assets must carry an approval whose digest matches their content (default true). */
  requireApproval: boolean;
  allowedModels: string[];
  maxPromptTokens?: number;
}

export const defaultPolicy: Policy = {
  scaffoldStatuses: ['approved'],
  requireOwners: true,
  requireEvalCoverage: false,
  requireApproval: true,
  allowedModels: [],
};

export interface LibraryInfo {
  name: string;
  description?: string;
  policy: Policy;
  models: ModelInfo[];
  /** True when the library has a library.yaml. */
  hasManifest: boolean;
}

/** A parsed reference: `id`, `id@range` or `library:id@range`. */
export interface Reference {
  raw: string;
  library?: string;
  id: string;
  /** semver range; undefined for a bare id (newest approved). */
  range?: string;
}

export interface AssetReference {
  field: 'targets' | 'dependsOn' | 'replacedBy';
  ref: Reference;
  /** Where it is written (in asset.yaml). */
  rangeInManifest: Range;
}

export interface Asset {
  id: string;
  kind: AssetKind;
  format: FormatId;
  version: string;
  /** Status; unmanaged assets are 'draft' and never count as approved. */
  status: AssetStatus;
  managed: boolean;
  title: string;
  description: string;
  owners: string[];
  tags: string[];
  /** Folder (managed) or file (unmanaged), relative to the library root ('' = the root). */
  path: string;
  /** entry as written in asset.yaml (relative to the folder), or the file itself for unmanaged assets. */
  entry?: string;
  /** Library-relative path of the entry file, when it exists inside the asset. */
  entryFile?: string;
  /** Library-relative paths of all the asset's files (asset.yaml included). */
  files: string[];
  inputs: InputDecl[];
  /** Model of the asset (manifest `model`, else the entry's first model). */
  model?: string;
  references: AssetReference[];
  /** Manifest path for managed assets. */
  manifest?: string;
  replacedBy?: string;
  approval?: { by: string; date: string; digest: string };
  /** Template parameters (JSON Schema), template kind. */
  parameters?: unknown;
  layout?: Record<string, string>;
  /** Count of diagnostics on the asset's files, by severity. */
  problems: { errors: number; warnings: number; infos: number };
  /** Library commit this entry was read from, when the library is a git clone. */
  commit?: string;
}

/** A file or link of a library's listing, as a catalog is built from it. */
export interface ListedEntry {
  /** Library-relative path, '/' separated. */
  path: string;
  type: 'file' | 'symlink';
  /** For links: the target as written. */
  linkTarget?: string;
  /** For links: true when the target lies inside the library (and is a file). */
  linkInside?: boolean;
}

/** What a full load built a catalog from besides its parsed files: a rebuild after an edit starts from it. */
export interface CatalogListing {
  /** Every listed file and link, in the listing's order. */
  entries: readonly ListedEntry[];
  /** Problems found while listing (links leading out, git metadata), also among the catalog's `diagnostics`. */
  findings: readonly Diagnostic[];
  /** The library's name when library.yaml gives none. */
  fallbackName: string;
}

export interface Catalog {
  /** Absolute root folder of the library. */
  root: string;
  library: LibraryInfo;
  assets: Asset[];
  /** Every parsed file, by library-relative path. */
  files: Map<string, ParsedFile>;
  diagnostics: Diagnostic[];
  /** The check stage's findings (cross-file checks), also among `diagnostics`; absent where no check ran (catalog level, snapshots). */
  checkFindings?: Diagnostic[];
  commit?: string;
  /** What the catalog was built from besides its files; set by a full load (absent at the catalog level and in snapshots). */
  listing?: CatalogListing;
  /**
   * `catalog` when the library was read at the catalog level (LoadOptions.level): the assets
   * are complete, but no diagnostic was computed and the files carry no positions.
   */
  level?: 'full' | 'catalog';
}
