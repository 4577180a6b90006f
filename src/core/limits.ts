// Bounds that keep any input from hanging the engine or exhausting memory.

/** Largest text file the engine reads (bytes); larger ones get an `unreadable-file` diagnostic. */
export const maxTextFileBytes = 4 * 1024 * 1024;
/** Largest YAML text (manifest or front matter) that is parsed. */
export const maxYamlBytes = 256 * 1024;
/** Most alias expansions allowed when a YAML document is turned into values. */
export const maxYamlAliasCount = 100;
/** Deepest flow/block nesting accepted in YAML and JSON Schemas. */
export const maxNestingDepth = 64;
/** Most diagnostics of one code kept per file (the rest are summarised). */
export const maxDiagnosticsPerCode = 200;
/** Largest template body (characters) analysed for blocks, braces and variables; a larger one gets one diagnostic instead. */
export const maxTemplateChars = 128 * 1024;
/** Characters a template language's own parser is given in all for one body (Handlebars re-parses after each error). */
export const maxTemplateParseChars = 384 * 1024;
/** Most files walked in one library. */
export const maxLibraryFiles = 200_000;
/** Deepest folder nesting walked in one library. */
export const maxFolderDepth = 32;
// pilot.lock.json bounds, far above any real pilot (tens of components of a few to a few hundred
// files; a written lock takes ~170 bytes a file, so 20,000 files and 5,000 components fit in 8 MiB).
// A lock over them is refused before verify, outdated, update or add do any work.
/** Largest lock file (bytes), checked with stat before it is read. */
export const maxLockBytes = 8 * 1024 * 1024;
/** Most components in one lock. */
export const maxLockComponents = 5_000;
/** Most files of one locked component. */
export const maxLockFilesPerComponent = 10_000;
/** Most files in all the lock's components. */
export const maxLockFiles = 20_000;
/** Longest name, id, version or template id in a lock (characters). */
export const maxLockNameChars = 1_024;
/** Longest file path or library URL in a lock (characters). */
export const maxLockPathChars = 4_096;
/** Tokens a scaffold may visit while rendering its template (all files, names and layout together). */
export const maxRenderSteps = 1_000_000;
/** Characters a scaffold may render in all (template files, names and layout together). */
export const maxRenderedChars = 16 * 1024 * 1024;
/** Deepest nesting of sections ({{#a}}, {{^a}}) in one template text. */
export const maxSectionDepth = 32;
/** Wall time a scaffold may spend rendering its template (milliseconds). */
export const maxRenderMs = 10_000;
/** Longest regular expression (`pattern`, `patternProperties`) accepted in a template's parameters; every one runs in linear time (RE2). */
export const maxParameterPatternChars = 1000;
