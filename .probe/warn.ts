import { parseFile } from '../src/core/formats/parseFile';
import { buildPromptReport } from '../src/core/render/promptReport';
const text = '---\nmodel: openai/gpt-4o-mini\nauthors:\n!!python/object:os.system   - x\n---\nHello\n';
const f = parseFile('a.prompt', Buffer.from(text));
console.log('parsed');
buildPromptReport({ file: f, text, partial: () => undefined });
console.log('report');
