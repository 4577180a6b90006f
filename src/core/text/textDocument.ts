// Text decoding and offset <-> LSP position mapping (0-based lines, UTF-16 characters).

import type { Position, Range } from '../diagnostics';

/** A decoded text file: its text without BOM, and the line starts for position lookups. */
export class TextDocument {
  readonly text: string;
  readonly hadBom: boolean;
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    if (text.charCodeAt(0) === 0xfeff) {
      this.text = text.slice(1);
      this.hadBom = true;
    } else {
      this.text = text;
      this.hadBom = false;
    }
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    if (t.indexOf('\r') < 0) {
      // Line feeds only (the common case): indexOf finds them much faster than a loop over every character.
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
      return starts;
    }
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** Position of a UTF-16 offset into `text`, clamped to the document. */
  positionAt(offset: number): Position {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset between \r and \n belongs to the end of the line.
    return position(lo, Math.min(o, this.lineEndOffset(lo)) - starts[lo]);
  }

  offsetAt(position: Position): number {
    const starts = this.starts();
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line];
    const lineEnd = this.lineEndOffset(position.line);
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  }

  /** Offset of the end of a line's content (before its line break). */
  lineEndOffset(line: number): number {
    const starts = this.starts();
    if (line + 1 >= starts.length) return this.text.length;
    let end = starts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    const starts = this.starts();
    if (line < 0 || line >= starts.length) return '';
    return this.text.slice(starts[line], this.lineEndOffset(line));
  }

  rangeOf(start: number, end: number): Range {
    const a = this.positionAt(start);
    const b = Math.max(start, end);
    // Most ranges lie on one line: the end is then found without a second search.
    const starts = this.lineStarts!;
    const lineStart = starts[a.line];
    if (b >= lineStart && b <= this.text.length && (a.line + 1 >= starts.length || b < starts[a.line + 1])) {
      return { start: a, end: position(a.line, Math.min(b, this.lineEndOffset(a.line)) - lineStart) };
    }
    return { start: a, end: this.positionAt(b) };
  }

  /** The line break the file uses most (for edits that insert lines). */
  get eol(): string {
    const crlf = this.text.indexOf('\r\n');
    if (crlf >= 0) return '\r\n';
    return '\n';
  }
}

/**
 * Positions of the first lines and columns, made once and shared (frozen): nothing changes a
 * position in place, and a library's thousands of ranges mostly start and end at such small ones.
 */
const sharedPositions: Position[][] = [];

/** The position (line, character): a shared frozen object for small ones, a new one otherwise. */
export function position(line: number, character: number): Position {
  if (line >= 512 || character >= 128) return { line, character };
  const row = (sharedPositions[line] ??= []);
  return (row[character] ??= Object.freeze({ line, character }) as Position);
}

/** The range at the start of a file, for whatever has no position of its own; shared and frozen. */
export const emptyRange: Range = Object.freeze({ start: Object.freeze({ line: 0, character: 0 }), end: Object.freeze({ line: 0, character: 0 }) });

let utf8Decoder: InstanceType<typeof TextDecoder> | undefined;

/** Decodes UTF-8 bytes strictly; undefined when the bytes are not valid UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // One decoder serves every call: without `stream`, each decode starts afresh.
    return (utf8Decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes);
  } catch {
    return undefined;
  }
}

/** True when the bytes look binary (a NUL in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  // The typed array's own indexOf (native) rather than a loop over the bytes; a view keeps the search to 8 KiB.
  return (bytes.length > 8192 ? bytes.subarray(0, 8192) : bytes).indexOf(0) >= 0;
}
