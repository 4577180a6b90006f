// Bounds that keep any input from hanging the engine or exhausting memory.

// A limit that a file reaches is reported as `file-too-large` (a warning: the file was not checked),
// never as a syntax error. The size limits sit far above real files: a promptfoo red-team config
// that `promptfoo redteam generate` writes for 1,365 test cases is 1.9 MB (1 s to parse with `yaml`).
/** Largest text file the engine reads (bytes); a larger one gets a `file-too-large` diagnostic. */
export const maxTextFileBytes = 8 * 1024 * 1024;
/** Largest YAML text (manifest, config or front matter) that is parsed (characters). */
export const maxYamlBytes = 8 * 1024 * 1024;
/**
 * Most values (maps, sequences, scalars) a YAML document may hold with its aliases (`*name`)
 * expanded: what every later check walks. Real files stay far below (the 1.9 MB red-team config:
 * 2,692 aliases, 23,289 values expanded); a billion-laughs bomb stops here after a few steps.
 */
export const maxYamlValueNodes = 2_000_000;
/** Most alias expansions allowed when `yaml`'s own toJS expands a document that is not plain (custom tags, merge keys). */
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
