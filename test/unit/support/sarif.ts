// SARIF checks the tests share: the OASIS 2.1.0 schema through Ajv, and the SARIF Multitool rules that code scanning cares about.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { repoRoot } from '../paths';

export const schemaFile = path.resolve(repoRoot, '..', 'shared', 'reference', 'sarif', 'sarif-schema-2.1.0.json');

/**
 * The OASIS schema is draft-04 (`id`, `$schema` draft-04). Every keyword it uses means the same in
 * draft-07 except `id`, which draft-07 spells `$id`; so Ajv's draft-07 class validates with it once
 * the root `id` is renamed. The first test checks that claim on the schema itself.
 */
export const draft04SameInDraft07 = new Set([
  '$ref',
  '$schema',
  'additionalProperties',
  'anyOf',
  'default',
  'definitions',
  'description',
  'enum',
  'format',
  'id',
  'items',
  'maximum',
  'minItems',
  'minimum',
  'oneOf',
  'pattern',
  'properties',
  'required',
  'title',
  'type',
  'uniqueItems',
]);

export function schemaKeywords(schema: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown, namesMap: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, false));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (namesMap) walk(v, false);
      else {
        found.add(k);
        walk(v, k === 'properties' || k === 'definitions' || k === 'patternProperties');
      }
    }
  };
  walk(schema, false);
  return found;
}

export function sarifValidator() {
  const { id, $schema: _draft04, ...rest } = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile({ $id: id as string, ...rest });
}

export interface Sarif {
  $schema: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri?: string;
        rules: { id: string; name: string; shortDescription: { text: string }; helpUri?: string; help: { text: string }; defaultConfiguration: { level: string } }[];
      };
    };
    invocations: { executionSuccessful: boolean; workingDirectory: { uri: string } }[];
    originalUriBaseIds: Record<string, { uri: string; uriBaseId?: string }>;
    results: SarifResult[];
  }[];
}
export interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

const isAbsoluteUri = (u: string) => /^[a-z][a-z0-9+.-]*:/i.test(u);

/**
 * What the SARIF Multitool's rules (and GitHub's upload checks) would say about a log, as messages;
 * [] when it passes. SARIF1004 (uriBaseId use), SARIF1010 (rule ids), SARIF1011 (final schema),
 * SARIF1007 (regions), SARIF2005 (tool name, version, informationUri), SARIF2012 (rule name, helpUri), GH1001/GH1003
 * (locations with a 1-based start) and GH1005/GH1006 (relative or file URIs under a known root).
 */
export function multitoolFindings(sarif: Sarif): string[] {
  const out: string[] = [];
  if (!/2\.1\.0(\.json)?$/.test(sarif.$schema)) out.push(`SARIF1011 $schema ${sarif.$schema}`);
  for (const run of sarif.runs) {
    const { driver } = run.tool;
    if (!driver.name || driver.name.split(' ').length > 3) out.push(`SARIF2005 name ${driver.name}`);
    if (!/^\d+/.test(driver.version ?? '')) out.push(`SARIF2005 version ${driver.version}`);
    if (!driver.informationUri || !/^https:\/\//.test(driver.informationUri)) out.push(`SARIF2005 informationUri ${driver.informationUri}`);
    for (const rule of driver.rules) {
      if (!/^([A-Z][a-z0-9]+)+$/.test(rule.name) || rule.name === rule.id) out.push(`SARIF2012 name ${rule.name}`);
      if (!rule.helpUri || !/^https:\/\//.test(rule.helpUri)) out.push(`SARIF2012 helpUri ${rule.id}`);
      if (!rule.shortDescription?.text) out.push(`shortDescription ${rule.id}`);
      if (!rule.help?.text) out.push(`help ${rule.id}`);
      if (!['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level)) out.push(`level ${rule.id}`);
    }
    const bases = run.originalUriBaseIds ?? {};
    for (const [name, base] of Object.entries(bases)) {
      if (base.uriBaseId === undefined && !isAbsoluteUri(base.uri)) out.push(`SARIF1004 ${name} is not absolute: ${base.uri}`);
      if (!base.uri.endsWith('/')) out.push(`SARIF1004 ${name} does not end with /: ${base.uri}`);
      if (base.uri.split('/').includes('..')) out.push(`SARIF1004 ${name} has a .. segment`);
      if (/[?#]/.test(base.uri)) out.push(`SARIF1004 ${name} has a query or fragment`);
    }
    const roots = (run.invocations ?? []).map((i) => i.workingDirectory?.uri).filter((u): u is string => !!u);
    const checkLocation = (loc: SarifLocation, where: string) => {
      const art = loc.physicalLocation?.artifactLocation;
      if (!art?.uri) return out.push(`GH1001 ${where}: no artifactLocation.uri`);
      if (art.uriBaseId !== undefined) {
        if (isAbsoluteUri(art.uri)) out.push(`SARIF1004 ${where}: absolute uri with uriBaseId`);
        if (!(art.uriBaseId in bases)) out.push(`SARIF1004 ${where}: uriBaseId ${art.uriBaseId} not in originalUriBaseIds`);
      } else if (!isAbsoluteUri(art.uri)) out.push(`SARIF1004 ${where}: relative uri ${art.uri} without uriBaseId`);
      if (!isAbsoluteUri(art.uri) && art.uri.startsWith('/')) out.push(`SARIF1004 ${where}: relative uri begins with /`);
      if (isAbsoluteUri(art.uri) && !art.uri.startsWith('file:')) out.push(`GH1005 ${where}: ${art.uri}`);
      if (art.uri.startsWith('file:') && !roots.some((r) => art.uri.startsWith(r))) out.push(`GH1006 ${where}: ${art.uri} outside every workingDirectory`);
      const r = loc.physicalLocation.region;
      if (!(r.startLine >= 1 && r.startColumn >= 1)) out.push(`GH1003 ${where}: region not 1-based`);
      if (r.endLine < r.startLine || (r.endLine === r.startLine && r.endColumn < r.startColumn)) out.push(`SARIF1007 ${where}: region ends before it starts`);
    };
    run.results.forEach((res, i) => {
      if (driver.rules[res.ruleIndex]?.id !== res.ruleId) out.push(`SARIF1010 results[${i}] ruleIndex`);
      if (!['error', 'warning', 'note'].includes(res.level)) out.push(`results[${i}] level`);
      if (!res.message?.text) out.push(`results[${i}] message`);
      if (!res.locations?.length) out.push(`GH1001 results[${i}] has no location`);
      res.locations.forEach((l, j) => checkLocation(l, `results[${i}].locations[${j}]`));
      res.relatedLocations?.forEach((l, j) => checkLocation(l, `results[${i}].relatedLocations[${j}]`));
    });
  }
  return out;
}

/** The file a location names, resolved the way a SARIF consumer does (base URI + relative reference). */
export function locationFile(sarif: Sarif, loc: SarifLocation): string {
  const art = loc.physicalLocation.artifactLocation;
  const base = art.uriBaseId ? sarif.runs[0].originalUriBaseIds[art.uriBaseId].uri : undefined;
  return fileURLToPath(new URL(art.uri, base));
}
