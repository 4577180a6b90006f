import { openFolderLibrary } from '../src/node/openFolder';
import { parseReference } from '../src/core/library/references';
(async () => {
  const c = await openFolderLibrary(process.argv[2]);
  console.log(c.diagnostics.filter((d) => d.file.includes('odd-refs')).map((d) => d.code + ' ' + d.message));
  for (const r of ['../../outside/secret', '/abs/x', 'good@>=1 <0 || ../x', '-rf', 'file:///etc/passwd']) console.log(r, JSON.stringify(parseReference(r)));
})();
