import { openFolderLibrary } from '../src/node/openFolder';
(async () => {
  const c = await openFolderLibrary(process.argv[2]);
  const a = c.assets.find((x) => x.id === 'link-entry');
  console.log(JSON.stringify({ entry: a?.entry, entryFile: a?.entryFile, files: a?.files }));
  console.log(c.diagnostics.filter((d) => d.file.includes('link-entry')).map((d) => d.code + ' ' + d.file));
})();
import { runCatalogChecks } from '../src/core/checks/catalogChecks';
(async () => {
  const c = await openFolderLibrary(process.argv[2]);
  console.log('direct', runCatalogChecks(c).map((d) => d.code + ' ' + d.file), c.assets.map(a => [a.id, a.managed, a.manifest]));
})();
