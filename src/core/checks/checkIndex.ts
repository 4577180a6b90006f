// What the cross-file checks look up in a catalog's assets: by id, by the ids they reference, by manifest and entry file; references resolved once.

import type { ReplacedAsset } from '../library/build';
import { resolveReference } from '../library/references';
import type { Resolution } from '../library/references';
import type { Asset, LibraryInfo, ModelInfo, Reference } from '../library/types';

/** What checkModels worked out of a model id as written: its normal form, whether the policy allows it, its catalogue entry. */
export interface KnownModel {
  id: string;
  allowed: boolean;
  info?: ModelInfo;
}

/**
 * An index of a list of assets for the cross-file checks. A check run without one makes its own;
 * the editor's LiveCatalog keeps one across edits, and tells it of each asset replaced in the
 * list (`replace`), so that an edit costs what it changes, not what the library holds.
 */
export class CheckIndex {
  /** The assets by id, each list in the assets' order. */
  byId!: Map<string, Asset[]>;
  /** The ids, in the order of their first asset. */
  private idList: string[] | undefined;
  /** The places of the assets that reference each id. */
  private referrers: Map<string, Set<number>> | undefined;
  /** The place of the asset whose manifest or entry is each file (places ascending when several). */
  private holders: Map<string, number | number[]> | undefined;
  /** Resolutions by id, then by `@range` ('' for none): several checks resolve the same references, and many assets share targets. */
  private resolutions = new Map<string, Map<string, Resolution>>();
  /** Model ids as written, worked out against one library's settings. */
  private models: { library: LibraryInfo; byWritten: Map<string, KnownModel | undefined>; supportedBy: Map<ModelInfo, Set<string>> } | undefined;

  /** An index of `assets`: the list itself, which the owner may change in place (then calls `replace`). */
  constructor(readonly assets: readonly Asset[]) {
    this.build();
  }

  private build(): void {
    this.byId = new Map();
    for (const a of this.assets) {
      const list = this.byId.get(a.id);
      if (list) list.push(a);
      else this.byId.set(a.id, [a]);
    }
    this.idList = this.referrers = this.holders = undefined;
    this.resolutions.clear();
  }

  /** Every id, in the order of its first asset. */
  ids(): readonly string[] {
    return (this.idList ??= [...this.byId.keys()]);
  }

  /** resolveReference against the assets, computed once per id and range. */
  resolve(ref: Reference): Resolution {
    let known = this.resolutions.get(ref.id);
    if (!known) this.resolutions.set(ref.id, (known = new Map()));
    const range = ref.range === undefined ? '' : `@${ref.range}`;
    let r = known.get(range);
    if (!r) known.set(range, (r = resolveReference(ref, this.byId)));
    return r;
  }

  /** The assets that reference `id` (in any field). */
  referrersOf(id: string): Asset[] {
    return [...(this.referrersNow().get(id) ?? [])].map((i) => this.assets[i]);
  }

  /** The assets whose manifest or entry file is among `paths`, in the assets' order. */
  holding(paths: Iterable<string>): Asset[] {
    const holders = this.holdersNow();
    const places = new Set<number>();
    for (const p of paths) {
      const held = holders.get(p);
      if (typeof held === 'number') places.add(held);
      else for (const i of held ?? []) places.add(i);
    }
    return [...places].sort((a, b) => a - b).map((i) => this.assets[i]);
  }

  /** What is known of model ids as written under `library`'s settings (forgotten when the settings change). */
  modelsUnder(library: LibraryInfo): { byWritten: Map<string, KnownModel | undefined>; supportedBy: Map<ModelInfo, Set<string>> } {
    if (this.models?.library !== library) this.models = { library, byWritten: new Map(), supportedBy: new Map() };
    return this.models;
  }

  /** Follows assets replaced in the list (the list already holds the new ones). */
  replace(changes: readonly ReplacedAsset[]): void {
    if (!changes.length) return;
    // A changed id changes the order of the ids: indexed again.
    if (changes.some((c) => c.before.id !== c.after.id)) return this.build();
    for (const { slot, before, after } of changes) {
      const list = this.byId.get(before.id);
      const at = list ? list.indexOf(before) : -1;
      if (at < 0) return this.build();
      list![at] = after;
      this.resolutions.delete(before.id);
      if (this.referrers) {
        for (const r of before.references) this.referrers.get(r.ref.id)?.delete(slot);
        addReferrer(this.referrers, after, slot);
      }
      if (this.holders && (before.manifest !== after.manifest || before.entryFile !== after.entryFile)) {
        for (const p of [before.manifest, before.entryFile]) if (p !== undefined) removeHolder(this.holders, p, slot);
        addHolder(this.holders, after, slot);
      }
    }
  }

  private referrersNow(): Map<string, Set<number>> {
    if (!this.referrers) {
      this.referrers = new Map();
      for (let i = 0; i < this.assets.length; i++) addReferrer(this.referrers, this.assets[i], i);
    }
    return this.referrers;
  }

  private holdersNow(): Map<string, number | number[]> {
    if (!this.holders) {
      this.holders = new Map();
      for (let i = 0; i < this.assets.length; i++) addHolder(this.holders, this.assets[i], i);
    }
    return this.holders;
  }
}

function addReferrer(referrers: Map<string, Set<number>>, a: Asset, slot: number): void {
  for (const r of a.references) {
    const places = referrers.get(r.ref.id);
    if (places) places.add(slot);
    else referrers.set(r.ref.id, new Set([slot]));
  }
}

/** Adds `slot` to the places of the asset's manifest and entry file (kept ascending). */
function addHolder(holders: Map<string, number | number[]>, a: Asset, slot: number): void {
  for (const p of [a.manifest, a.entryFile]) {
    if (p === undefined) continue;
    const held = holders.get(p);
    if (held === undefined) holders.set(p, slot);
    else if (typeof held === 'number') {
      if (held !== slot) holders.set(p, held < slot ? [held, slot] : [slot, held]);
    } else if (!held.includes(slot)) {
      let at = held.length;
      while (at > 0 && held[at - 1] > slot) at--;
      held.splice(at, 0, slot);
    }
  }
}

function removeHolder(holders: Map<string, number | number[]>, p: string, slot: number): void {
  const held = holders.get(p);
  if (held === slot) holders.delete(p);
  else if (Array.isArray(held) && held.includes(slot)) {
    held.splice(held.indexOf(slot), 1);
    if (held.length === 1) holders.set(p, held[0]);
  }
}
