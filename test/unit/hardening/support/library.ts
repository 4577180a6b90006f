// Libraries as data for the hardening tests: read a folder into memory, write one out, list a folder tree.

import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Every regular file under `root` (no links, no dot-folders), by '/'-separated relative path. */
export function libraryFiles(root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__') continue;
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (st.isFile()) out.set(r, readFileSync(abs));
    }
  };
  walk(root, '');
  return out;
}

/** Writes `files` (relative paths, '/' separated) under `dir`. */
export function writeTree(dir: string, files: Map<string, Uint8Array | string> | Record<string, Uint8Array | string>): void {
  const entries = files instanceof Map ? [...files] : Object.entries(files);
  for (const [p, b] of entries) {
    const abs = path.join(dir, ...p.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, b);
  }
}

/** A listing of everything under `dir` (links shown with their target, files with their size), for before/after comparisons. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(abs, r);
      } else out.push(`${r} (${st.size})`);
    }
  };
  walk(dir, '');
  return out;
}
