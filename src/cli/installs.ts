// What the commands share for a repository that installed assets (genai-assets.lock.json, no pilot.yaml): reading its lock and the library it records.

import type { LibrarySource } from '../core/library/source';
import { libraryFromArgument } from '../app/openLibrary';
import { installsLibrary } from '../app/installs';
import type { LoadedInstalls } from '../app/installs';
import type { CliIo } from './io';

export { hasInstalls, readInstalls } from '../app/installs';
export type { LoadedInstalls } from '../app/installs';

/** The library the installs record (a folder relative to the repository, or a git URL), unless `--library` overrides it. */
export function libraryOfInstalls(installs: LoadedInstalls, override: string | undefined, io: CliIo): LibrarySource {
  if (override !== undefined) return libraryFromArgument(override, io.cwd);
  return installsLibrary(installs);
}
