// The version genai-assets reports (--version, the help, SARIF's tool version).

declare const GENAI_ASSETS_VERSION: string | undefined;

/** The build's version when the build defines one, else the package's. */
export const version = typeof GENAI_ASSETS_VERSION === 'string' ? GENAI_ASSETS_VERSION : '0.1.0';
