// Markdown for library text (hovers, tooltips) and the plain-text form of messages written with code spans.

/** Escapes text for Markdown: nothing from a library may become a link (`.` too, against autolinks such as `x@y.z`), an image, HTML or a block. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, '  \n');
}

/** Inline code for a value, as written (no escaping inside: Markdown shows a code span's text literally; backticks inside get a longer fence). */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest ? ' ' : ''}${text}${longest ? ' ' : ''}${fence}`;
}

/**
 * A message written with Markdown code spans (the CLI and the README show them as written) for a
 * plain-text surface such as a VS Code diagnostic: each span's text in single quotes, as VS Code's
 * own diagnostics quote names (double quotes when the text holds a single quote).
 */
export function quoteCodeSpans(message: string): string {
  return message.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (_m, _fence: string, body: string) => {
    const text = body.length > 1 && body.startsWith(' ') && body.endsWith(' ') && body.trim() ? body.slice(1, -1) : body;
    return text.includes("'") ? `"${text}"` : `'${text}'`;
  });
}
