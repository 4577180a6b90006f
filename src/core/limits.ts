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
