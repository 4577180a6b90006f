import { parseFile } from '../src/core/formats/parseFile';
const text = '---\nmodel: openai/gpt-4o-mini\nauthors:\n!!python/object:os.system   - x\n---\nHello\n';
parseFile('a.prompt', Buffer.from(text));
console.log('parsed');
