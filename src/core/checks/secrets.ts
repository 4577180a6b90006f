// Secret scanning: credentials (provider keys, tokens, private keys, passwords) written into asset files.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { maxDiagnosticsPerCode } from '../limits';
import type { TextDocument } from '../text/textDocument';

/** One suspected credential: its offsets in the text and what it looks like. */
interface Finding {
  start: number;
  end: number;
  kind: string;
}

/**
 * Where a provider token may start: the separator that ends its prefix (`sk-`, `ghp_`, `xoxb-`...)
 * or an AWS/Google prefix. Matching separators first and checking the prefix behind them is
 * several times faster than trying every prefix at every position.
 */
const tokenTrigger = /[-_](?<=(?:sk-|hf_|gh[pousr]_|github_pat_|glpat-|xox[baprs]-|[sr]k_live_))|A(?:KIA|SIA|Iza)/g;
/**
 * Provider tokens with a recognisable prefix, tried at a trigger. The lookbehind keeps them from
 * matching inside a longer word (`task-description` is not an `sk-` key); each group is checked further in code.
 */
const prefixedToken =
  /(?<![A-Za-z0-9_-])(?:((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])|(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])|(sk-[A-Za-z0-9_-]{20,})|(hf_[A-Za-z0-9]{30,})|(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})|(glpat-[A-Za-z0-9_-]{20,})|(xox[baprs]-[A-Za-z0-9-]{10,})|([sr]k_live_[A-Za-z0-9]{20,}))/y;
/** How far before its separator a prefix starts: github_pat_, [sr]k_live_, glpat-, xoxb-, ghp_, sk-/hf_. */
const prefixOffsets = [10, 7, 5, 4, 3, 2];

/**
 * Tokens of further providers, each with a fixed prefix and a body of a fixed shape (the formats
 * are the providers' own; gitleaks lists them too). The trigger finds their prefixes in one pass;
 * the group that matched picks the rule, whose sticky pattern is tried where the token starts.
 */
interface TokenRule {
  /** The token, from its start (sticky); its first group is the random body that is judged. */
  pattern: RegExp;
  kind: string;
  /** How far before the trigger the token starts (the Azure AD secret's `Q~` comes after 4 characters). */
  back?: number;
  /** A URL, which may follow any character; a token may not follow a letter, digit or `_` (`pinpplx-`, `metadapi`). */
  url?: boolean;
}
const tokenRules: TokenRule[] = [
  { pattern: /npm_([A-Za-z0-9]{36})(?![A-Za-z0-9])/y, kind: 'npm access token' },
  { pattern: /SG\.([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/y, kind: 'SendGrid API key' },
  // The URL itself is the credential: anyone who has it can post to the channel.
  { pattern: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/_-]{40,100})/y, kind: 'Slack webhook URL', url: true },
  { pattern: /xapp-\d-([A-Za-z0-9]{8,}-\d{8,}-[A-Za-z0-9]{32,})/y, kind: 'Slack app-level token' },
  { pattern: /xoxe(?:\.xox[bp])?-\d-([A-Za-z0-9]{140,170})(?![A-Za-z0-9])/y, kind: 'Slack configuration token' },
  { pattern: /shpat_([a-fA-F0-9]{32})(?![A-Za-z0-9])/y, kind: 'Shopify access token' },
  { pattern: /shpca_([a-fA-F0-9]{32})(?![A-Za-z0-9])/y, kind: 'Shopify custom app access token' },
  { pattern: /shppa_([a-fA-F0-9]{32})(?![A-Za-z0-9])/y, kind: 'Shopify private app access token' },
  { pattern: /shpss_([a-fA-F0-9]{32})(?![A-Za-z0-9])/y, kind: 'Shopify shared secret' },
  { pattern: /lin_api_([A-Za-z0-9]{40})(?![A-Za-z0-9])/y, kind: 'Linear API key' },
  { pattern: /gsk_([A-Za-z0-9]{52})(?![A-Za-z0-9])/y, kind: 'Groq API key' },
  { pattern: /pplx-([A-Za-z0-9]{48})(?![A-Za-z0-9])/y, kind: 'Perplexity API key' },
  { pattern: /r8_([A-Za-z0-9]{37})(?![A-Za-z0-9])/y, kind: 'Replicate API token' },
  { pattern: /lsv2_(?:pt|sk)_([a-f0-9]{32}_[a-f0-9]{10})(?![A-Za-z0-9])/y, kind: 'LangSmith API key' },
  { pattern: /dapi([a-f0-9]{32})(?:-\d)?(?![A-Za-z0-9])/y, kind: 'Databricks access token' },
  { pattern: /([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/y, kind: 'Azure AD client secret', back: 4 },
];
/** One group per rule of tokenRules, in order. */
const tokenRuleTrigger = /(npm_)|(SG\.)|((?:https?:\/\/)?hooks\.slack\.com\/)|(xapp-)|(xoxe[.-])|(shpat_)|(shpca_)|(shppa_)|(shpss_)|(lin_api_)|(gsk_)|(pplx-)|(r8_)|(lsv2_[ps][tk]_)|(dapi)|(Q~)/g;

const privateKeyHeader = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----/g;
const azureKey = /\b(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})/g;
/** A JWT (header.payload.signature, both JSON parts starting `{"`), matched where its header starts. */
const jwtToken = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?![A-Za-z0-9_-])/y;
/** The `user:password@` after a `scheme://` (sticky: matched right after the `://`). */
const userInfo = /([^\s:/?#@"'`<>]{1,200}):([^\s/?#@"'`<>]{1,200})@(?=[A-Za-z0-9[._-])/y;
/**
 * A secret-ish word inside a name that is being assigned (`OPENAI_API_KEY=`, `"password": `, `token:`).
 * Only the keyword is matched here; the whole name and the value are examined in code.
 */
const secretWord = /(?:key|secret|passw|pwd|passphrase|token|credential)(?=[A-Za-z0-9_.-]{0,40}["'`]?[ \t]*(?:=>|:=|=|:))/gi;
/** An unquoted value: up to the next blank, quote, comma or semicolon (301 characters at most: longer ones are no secret). */
const unquotedValue = /[^\s"'`,;]{0,301}/y;
/** The assignment operator after a name, with an optional closing quote and blanks. */
const assignment = /["'`]?[ \t]*(?:=>|:=|=|:)[ \t]*/y;
/** Words of a name that hold a secret on their own. */
const secretWords = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'credential', 'apikey']);
/** Words that make a following `key` a credential (`api_key`, `OPENAI_KEY`, `accountKey`). */
const keyQualifiers = new Set([
  'api',
  'access',
  'secret',
  'private',
  'signing',
  'encryption',
  'auth',
  'account',
  'master',
  'client',
  'app',
  'service',
  'shared',
  'subscription',
  'storage',
  'license',
  'openai',
  'anthropic',
  'azure',
  'aws',
  'gcp',
  'google',
  'gemini',
  'mistral',
  'cohere',
  'groq',
  'stripe',
  'twilio',
  'sendgrid',
  'slack',
  'github',
  'gitlab',
  'hf',
  'huggingface',
  'pinecone',
  'langsmith',
  'langfuse',
  'together',
  'replicate',
  'deepseek',
  'perplexity',
  'voyage',
  'elevenlabs',
]);
/** Words before the secret word that make the name something else (`max_tokens`, `eos_token`, `design token`). */
const benignBefore = new Set([
  'max',
  'num',
  'total',
  'prompt',
  'completion',
  'input',
  'output',
  'reasoning',
  'cached',
  'special',
  'stop',
  'eos',
  'bos',
  'pad',
  'unk',
  'sep',
  'mask',
  'cls',
  'page',
  'next',
  'continuation',
  'cancellation',
  'csrf',
  'xsrf',
  'sync',
  'design',
  'figma',
  'public',
  'forgot',
  'reset',
  'new',
  'old',
  'confirm',
  'id',
  'primary',
  'foreign',
  'sort',
  'partition',
  'cache',
  'idempotency',
]);
/** Words that may follow the secret word (`secret_key`, `password_value`, `API_KEY_1`). */
const trailingWords = new Set(['key', 'value', 'string', 'str', 'b64', 'base64', 'hex', 'plain', 'raw', 'text']);

const base64Forty = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Values that point at a secret instead of holding one. */
const envReference = /\$\{|\$\(|\{\{|\{%|%\(|^\$[A-Za-z_]|^%[A-Za-z_]\w*%$|process\.env|import\.meta\.env|os\.environ|getenv|\benv[:(.[]|secrets?\.|vault|arn:aws|^[A-Za-z_][\w-]*\(/i;
/** Placeholder words in a value: documentation, not a credential. */
const placeholderWord =
  /your|example|sample|placeholder|dummy|fake|changeme|change[_-]?me|abc123|abcdef|123456|replace|insert|redacted|xxx|\*\*\*|\.\.\.|todo|tbd|here|demo|mock|test|secret|passw|token|api[_-]?key|lorem|foo|bar|baz|qwerty|letmein|hunter2|admin|default|<|>/i;
/** Placeholder words inside a prefixed token (a stricter list: real random tokens are long). */
const tokenPlaceholder = /your|example|sample|placeholder|dummy|fake|redacted|xxxx|here|changeme|abcdef|abc123|123456|0000/i;
/** Default passwords of local services (`postgres:postgres@localhost`). */
const defaultPasswords = new Set(['postgres', 'root', 'admin', 'guest', 'pass', 'password', 'secret', 'test', 'changeme', 'user', 'mysql', 'redis', 'rabbitmq', 'sa', 'dev']);
/** Credentials that are published on purpose (emulator keys, documentation tokens). */
const publicValues = [
  // Azurite / Azure Storage Emulator account key.
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  // The jwt.io example token's signature.
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
];
/** Tokens that are public by design where they appear (Codecov badge and graph tokens). */
const publicContext = /codecov\.io\/\S*[?&]token=$/;
const allowlistPragma = /pragma:\s*allowlist[ -]secret/i;
/** Most findings any one file yields (a generated file full of tokens must not make the overlap check quadratic). */
const maxFindings = 4 * maxDiagnosticsPerCode;

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s.length) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

function hasDigit(s: string): boolean {
  return /[0-9]/.test(s);
}

function isPublic(s: string): boolean {
  return publicValues.some((p) => s.includes(p));
}

/** A prefixed token's random part looks real: long enough, varied, not a placeholder. */
function plausibleTokenBody(body: string, needDigit: boolean): boolean {
  if (needDigit && !hasDigit(body)) return false;
  if (tokenPlaceholder.test(body)) return false;
  return shannonEntropy(body) >= 3;
}

/** Made of words and numbers (`actual_secret_key_12345`, `Desktop/Title/H1`, `TestPass123`, `Uint8Array`), not random. */
function looksLikeWords(value: string): boolean {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[/_.\-: ]+/)
    .every((seg) => seg === '' || /^[A-Za-z]+\d{0,4}$/.test(seg) || /^\d+$/.test(seg));
}

/**
 * Words with digits and symbols, as people make passwords for examples (`SecurePass123!`,
 * `P@ssw0rd!`, `MyP@ssw0rd2024`): read with `@`, `$` and digits inside words as the letters they
 * stand for, and symbols dropped, it is made of words.
 */
function looksLikeWordsWithSymbols(value: string): boolean {
  if (!/[!#%^&*?~+=@$]|[A-Za-z][0134][A-Za-z]/.test(value)) return false;
  const plain = value
    .replace(/@/g, 'a')
    .replace(/\$/g, 's')
    .replace(/(?<=[A-Za-z])[0134](?=[A-Za-z])/g, (c) => ({ '0': 'o', '1': 'i', '3': 'e', '4': 'a' })[c] ?? c)
    .replace(/[!#%^&*?~+=]/g, '');
  // Words as people write them (a capital at most at the start, a vowel), not random letters (`RJgqx`, `HFj7`).
  const words = plain.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[/_.\-: ]+/);
  return plain !== '' && words.every((w) => w === '' || /^\d+$/.test(w) || (/^[A-Z]?[a-z]+\d{0,4}$/.test(w) && /[aeiouy]/i.test(w)));
}

/** A literal assigned to a secret-ish name that is plausibly a real credential. */
function plausibleAssignedSecret(value: string): boolean {
  if (value.length < 8 || value.length > 256) return false;
  if (/\s/.test(value)) return false;
  if (envReference.test(value) || placeholderWord.test(value)) return false;
  if (/^[A-Z][A-Z0-9_]*$/.test(value)) return false; // an environment variable's name
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])+$/.test(value)) return false; // a code reference
  if (/^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\)/.test(value) || value.includes('://')) return false; // a path or URL
  if (!hasDigit(value) || !/[A-Za-z]/.test(value)) return false;
  if (looksLikeWords(value) || looksLikeWordsWithSymbols(value)) return false;
  const threshold = value.length < 12 ? 2.8 : value.length < 20 ? 3.1 : 3.4;
  return shannonEntropy(value) >= threshold;
}

function kindOfPrefixed(token: string, group: number): string {
  switch (group) {
    case 1:
      return 'AWS access key ID';
    case 2:
      return 'Google API key';
    case 3:
      if (token.startsWith('sk-ant-')) return 'Anthropic API key';
      if (token.startsWith('sk-or-')) return 'OpenRouter API key';
      return 'OpenAI API key';
    case 4:
      return 'Hugging Face access token';
    case 5:
      return token.startsWith('github_pat_') ? 'GitHub fine-grained personal access token' : 'GitHub token';
    case 6:
      return 'GitLab personal access token';
    case 7:
      return 'Slack token';
    default:
      return token.startsWith('rk_') ? 'Stripe restricted live key' : 'Stripe live secret key';
  }
}

/** Length of a prefixed token's fixed prefix (so that only its random part is judged). */
function prefixLength(token: string): number {
  const m = /^(?:AKIA|ASIA|AIza|sk-(?:ant-(?:api\d+-|admin\d+-)?|or-v\d+-|proj-|svcacct-|admin-)?|hf_|gh[pousr]_|github_pat_|glpat-|xox[baprs]-|[sr]k_live_)/.exec(token);
  return m ? m[0].length : 0;
}

function scanPrefixed(text: string, out: Finding[]): void {
  tokenTrigger.lastIndex = 0;
  for (let t = tokenTrigger.exec(text); t && out.length < maxFindings; t = tokenTrigger.exec(text)) {
    const starts = t[0].length > 1 ? [t.index] : prefixOffsets.map((o) => t.index - o).filter((s) => s >= 0);
    for (const start of starts) {
      prefixedToken.lastIndex = start;
      const m = prefixedToken.exec(text);
      if (!m) continue;
      tokenTrigger.lastIndex = start + m[0].length;
      let group = 1;
      while (group < m.length && m[group] === undefined) group++;
      const token = m[0];
      const body = token.slice(prefixLength(token));
      // Base62 keys of this length almost always hold a digit; Hugging Face tokens and AWS ids may not.
      const needDigit = group !== 4 && group !== 1;
      if (!plausibleTokenBody(body, needDigit) || isPublic(token)) break;
      if (group === 3 && /^[a-z]+(?:-[a-z]+)+$/.test(body)) break; // sk-some-kebab-case-words
      out.push({ start, end: start + token.length, kind: kindOfPrefixed(token, group) });
      break;
    }
  }
}

/** The tokens of tokenRules: at each trigger, the rule's pattern where the token starts, and its body judged as random. */
function scanRuleTokens(text: string, out: Finding[]): void {
  tokenRuleTrigger.lastIndex = 0;
  for (let t = tokenRuleTrigger.exec(text); t && out.length < maxFindings; t = tokenRuleTrigger.exec(text)) {
    let group = 1;
    while (group < t.length && t[group] === undefined) group++;
    const rule = tokenRules[group - 1];
    const start = t.index - (rule.back ?? 0);
    if (start < 0 || (!rule.url && /[A-Za-z0-9_]/.test(text[start - 1] ?? ''))) continue;
    rule.pattern.lastIndex = start;
    const m = rule.pattern.exec(text);
    if (!m) continue;
    tokenRuleTrigger.lastIndex = start + m[0].length;
    const body = m[1];
    if (!plausibleTokenBody(body, true) || isPublic(m[0])) continue;
    out.push({ start, end: start + m[0].length, kind: rule.kind });
  }
}

/** AWS secret access keys (40 base64 characters) close to an access key ID. */
function scanAwsSecretsNear(text: string, ids: Finding[], out: Finding[]): void {
  for (const id of ids.slice(0, maxDiagnosticsPerCode)) {
    const from = Math.max(0, id.start - 400);
    const window = text.slice(from, Math.min(text.length, id.end + 400));
    base64Forty.lastIndex = 0;
    for (let m = base64Forty.exec(window); m && out.length < maxFindings; m = base64Forty.exec(window)) {
      const v = m[0];
      if (!/[a-z]/.test(v) || !/[A-Z]/.test(v) || !hasDigit(v) || tokenPlaceholder.test(v) || shannonEntropy(v) < 4) continue;
      out.push({ start: from + m.index, end: from + m.index + v.length, kind: 'AWS secret access key' });
    }
  }
}

/**
 * The first match of `pattern` (global) at or after a position, for positions that only grow: a
 * match still ahead is remembered, so a file of many headers is searched once, not once per header.
 */
function forwardSearch(text: string, pattern: RegExp): (from: number) => number {
  let found = -2; // -2: not searched yet; -1: none after the last position searched
  return (from) => {
    if (found === -1 || found >= from) return found;
    pattern.lastIndex = from;
    found = pattern.exec(text)?.index ?? -1;
    return found;
  };
}

function scanPrivateKeys(text: string, out: Finding[]): void {
  if (!text.includes('PRIVATE KEY')) return;
  // Each header's body is judged from where these next occur, not by re-reading it: bodies overlap when headers repeat.
  const nextEnd = forwardSearch(text, /-----END/g);
  const nextEllipsis = forwardSearch(text, /\.\.\./g);
  const nextBase64Run = forwardSearch(text, /[A-Za-z0-9+/]{48}/g);
  privateKeyHeader.lastIndex = 0;
  for (let m = privateKeyHeader.exec(text); m && out.length < maxFindings; m = privateKeyHeader.exec(text)) {
    const bodyStart = m.index + m[0].length;
    const endMarker = nextEnd(bodyStart);
    const bodyEnd = endMarker >= 0 && endMarker - bodyStart < 20000 ? endMarker : Math.min(text.length, bodyStart + 4000);
    // "MIIE...", "<your key>" and "..." are documentation; a real key body is a long base64 run.
    const ellipsis = nextEllipsis(bodyStart);
    const run = nextBase64Run(bodyStart);
    if ((ellipsis >= 0 && ellipsis + 3 <= bodyEnd) || run < 0 || run + 48 > bodyEnd) continue;
    let end = bodyEnd;
    if (endMarker === bodyEnd) {
      const close = /^-----END [A-Z0-9 ]*-----/.exec(text.slice(endMarker, endMarker + 80));
      end = close ? endMarker + close[0].length : endMarker;
    }
    const label = m[1].trim();
    out.push({ start: m.index, end, kind: label ? `${label} private key` : 'private key' });
    privateKeyHeader.lastIndex = end;
  }
}

function scanAzure(text: string, out: Finding[]): void {
  if (!text.includes('AccessKey=') && !text.includes('AccountKey=')) return;
  azureKey.lastIndex = 0;
  for (let m = azureKey.exec(text); m && out.length < maxFindings; m = azureKey.exec(text)) {
    const v = m[2];
    if (isPublic(v) || tokenPlaceholder.test(v) || shannonEntropy(v) < 3.5) continue;
    const start = m.index + m[1].length + 1;
    out.push({ start, end: start + v.length, kind: m[1] === 'AccountKey' ? 'Azure storage account key' : 'Azure shared access key' });
  }
}

/** JWTs assigned to a secret-ish name or sent as a bearer token; found from their `.eyJ` payload. */
function scanJwts(text: string, out: Finding[]): void {
  for (let at = text.indexOf('.eyJ'); at >= 0 && out.length < maxFindings; at = text.indexOf('.eyJ', at + 4)) {
    let start = at;
    while (start > 0 && at - start < 4096 && /[A-Za-z0-9_-]/.test(text[start - 1])) start--;
    jwtToken.lastIndex = start;
    const m = jwtToken.exec(text);
    if (!m) continue;
    at = start + m[0].length - 4;
    if (isPublic(m[0])) continue;
    // The line before the token, 120 characters at most (looked for in those only: a long line holds many tokens).
    const window = text.slice(Math.max(0, start - 120), start);
    const before = window.slice(window.lastIndexOf('\n') + 1);
    if (!/(?:bearer\s+|(?:token|jwt|secret|key|auth[a-z]*|password|credential|session|cookie)[A-Za-z0-9_.-]*["'`]?\s*(?:=>|:=|=|:)\s*["'`]?)$/i.test(before)) continue;
    out.push({ start, end: start + m[0].length, kind: 'JSON Web Token' });
  }
}

/** Finds `scheme://user:password@host` around each `://` (a literal search, far cheaper than a regex scan). */
function scanUrls(text: string, out: Finding[]): void {
  for (let at = text.indexOf('://'); at >= 0 && out.length < maxFindings; at = text.indexOf('://', at + 3)) {
    let s = at;
    while (s > 0 && at - s <= 30 && /[A-Za-z0-9+.-]/.test(text[s - 1])) s--;
    if (s === at || !/[A-Za-z]/.test(text[s])) continue;
    userInfo.lastIndex = at + 3;
    const m = userInfo.exec(text);
    if (!m) continue;
    const scheme = text.slice(s, at);
    const user = m[1];
    const password = m[2];
    const lower = password.toLowerCase();
    if (envReference.test(password) || /[*<>[\]{}%\\]/.test(password)) continue;
    if (placeholderWord.test(password) || defaultPasswords.has(lower) || lower === user.toLowerCase()) continue;
    if (/^\d{1,5}$/.test(password)) continue; // host:port, not a password
    if (password.length < 4 || shannonEntropy(password) < 2) continue;
    const start = at + 3 + user.length + 1;
    out.push({ start, end: start + password.length, kind: `password in a ${scheme}:// URL` });
  }
}

/** Lower-case words of an identifier: `OPENAI_API_KEY`, `apiKey`, `x-api-key`, `db.password` -> words. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.-]+/)
    .filter((w) => w !== '');
}

/** Kinds by name (and the word before it), for kindOfNameIn: a library repeats the same few names (`maxTokens`, `api_key`) thousands of times. */
const kindsByName = new Map<string, string | null>();

/** The kind of credential `name` holds, with `wordBefore` (`Figma Token:`, `Admin password =`) read as part of it. */
function kindOfNameIn(name: string, wordBefore: string | undefined): string | undefined {
  const key = wordBefore === undefined ? name : `${wordBefore} ${name}`;
  let kind = kindsByName.get(key);
  if (kind === undefined) {
    const words = wordsOf(name);
    if (wordBefore !== undefined) words.unshift(...wordsOf(wordBefore));
    kind = kindOfName(words) ?? null;
    if (kindsByName.size >= 4096) kindsByName.clear();
    kindsByName.set(key, kind);
  }
  return kind ?? undefined;
}

/** What kind of credential a name holds, or undefined when it is not a secret-ish name. */
function kindOfName(words: string[]): string | undefined {
  let k = -1;
  for (let i = words.length - 1; i >= 0 && k < 0; i--) {
    const w = words[i];
    const qualifiedKey = w === 'key' && i > 0 && keyQualifiers.has(words[i - 1]);
    if (secretWords.has(w) || qualifiedKey || /^(?:api|access|secret|private|auth|client|bearer|refresh|session)(?:key|token|secret)$/.test(w)) k = i;
  }
  if (k < 0) return undefined;
  if (words.slice(k + 1).some((w) => !trailingWords.has(w) && !/^\d+$/.test(w))) return undefined;
  // The words right before decide: `id_token`, `eos_token`, `PublicKeyToken`, `public_key` (`max_tokens` never matched).
  const before = words.slice(Math.max(0, k - 2), k);
  if (before.some((w) => benignBefore.has(w))) return undefined;
  const all = words.join(' ');
  if (/secret access key|secretaccesskey/.test(all)) return 'AWS secret access key';
  const w = words[k];
  if (w.startsWith('pass') || w === 'pwd') return 'password';
  if (w === 'secret' || w.endsWith('secret')) return words.includes('client') || w === 'clientsecret' ? 'client secret' : 'secret';
  if (w.endsWith('token')) return 'token';
  if (w === 'credential') return 'credential';
  if (words[k - 1] === 'private' || w === 'privatekey') return 'private key';
  if (words[k - 1] === 'access' || w === 'accesskey') return 'access key';
  return 'API key';
}

function scanAssignments(text: string, out: Finding[]): void {
  secretWord.lastIndex = 0;
  for (let m = secretWord.exec(text); m && out.length < maxFindings; m = secretWord.exec(text)) {
    let nameStart = m.index;
    while (nameStart > 0 && m.index - nameStart < 80 && /[A-Za-z0-9_.-]/.test(text[nameStart - 1])) nameStart--;
    let nameEnd = m.index + m[0].length;
    while (nameEnd < text.length && /[A-Za-z0-9_.-]/.test(text[nameEnd])) nameEnd++;
    secretWord.lastIndex = nameEnd;
    const name = text.slice(nameStart, nameEnd);
    const spaced = /(\w+)[ \t]+$/.exec(text.slice(Math.max(0, nameStart - 30), nameStart));
    const kind = kindOfNameIn(name, spaced?.[1]);
    if (!kind) continue;
    assignment.lastIndex = nameEnd;
    const op = assignment.exec(text);
    if (!op) continue;
    const i = nameEnd + op[0].length;
    const q = text[i];
    let valueStart: number;
    let valueEnd: number;
    if (q === '"' || q === "'" || q === '`') {
      valueStart = i + 1;
      // The closing quote within 300 characters, on the same line (searched there only: a long line holds many values).
      const quoted = text.slice(valueStart, valueStart + 301);
      const close = quoted.indexOf(q);
      const nl = quoted.indexOf('\n');
      if (close < 0 || (nl >= 0 && nl < close)) continue;
      valueEnd = valueStart + close;
    } else {
      valueStart = i;
      unquotedValue.lastIndex = i;
      valueEnd = i + (unquotedValue.exec(text)?.[0].length ?? 0);
      // A run too long to be a secret is skipped whole: `password=password=...` stays linear.
      if (valueEnd - valueStart > 300) {
        secretWord.lastIndex = valueEnd;
        continue;
      }
      while (valueEnd > valueStart && /[)}\]]/.test(text[valueEnd - 1])) valueEnd--;
      // Unquoted, brackets, operators or escapes mean code (`paddingLines[0]`, `getBytes(48)`, `a&&b`), not a literal.
      if (/[()[\]{}\\]|&&|\|\|/.test(text.slice(valueStart, valueEnd))) continue;
    }
    const value = text.slice(valueStart, valueEnd);
    if (!plausibleAssignedSecret(value) || isPublic(value) || publicContext.test(text.slice(Math.max(0, nameStart - 200), valueStart))) continue;
    out.push({ start: valueStart, end: valueEnd, kind });
    secretWord.lastIndex = Math.max(secretWord.lastIndex, valueEnd);
  }
}

/** The first characters of a secret that a message may show: at most 4, fewer for short ones. */
function shown(secret: string): string {
  const n = Math.min(4, Math.floor(secret.length / 4));
  return n > 0 ? secret.slice(0, n) : '';
}

function messageFor(kind: string, secret: string): string {
  const what = kind.startsWith('password in') ? `A ${kind}` : `What looks like a${/^(?:[AEIOU]|RSA\b|SSH\b)/.test(kind) ? 'n' : ''} ${kind}`;
  const head = kind.endsWith('private key') ? '' : shown(secret);
  const preview = head ? ` (\`${head}…\`)` : '';
  return (
    `${what}${preview} is written in this asset. Remove it and rotate it with its issuer: ` +
    `anything committed to the library must be treated as leaked. Read it from an environment variable or a secret store instead. ` +
    `If it is a documented example and not a real credential, add \`pragma: allowlist secret\` on its line.`
  );
}

/**
 * Finds what looks like a credential in a text file: provider API keys and tokens, Slack webhook
 * URLs, private key blocks, Azure account keys, JWTs and passwords assigned to secret-ish names, and passwords in
 * URLs. Placeholders (`your-api-key`, `<password>`, `****`) and references (`${VAR}`,
 * `{{secret}}`, `$VAR`, `process.env.X`) are not reported, nor lines marked `pragma: allowlist secret`.
 * Each diagnostic covers exactly the secret and never repeats more than its first 4 characters.
 */
export function scanSecrets(file: ParsedFile, doc: TextDocument): Diagnostic[] {
  const text = doc.text;
  const found: Finding[] = [];
  scanPrivateKeys(text, found);
  scanRuleTokens(text, found);
  const prefixed: Finding[] = [];
  scanPrefixed(text, prefixed);
  found.push(...prefixed);
  const awsIds = prefixed.filter((f) => f.kind === 'AWS access key ID');
  if (awsIds.length) scanAwsSecretsNear(text, awsIds, found);
  scanAzure(text, found);
  scanJwts(text, found);
  scanUrls(text, found);
  scanAssignments(text, found);

  // The most specific finding wins where two overlap (a key in `api_key = "sk-..."`, a token in a URL).
  const kept: Finding[] = [];
  for (const f of found) {
    if (kept.some((k) => f.start < k.end && k.start < f.end)) continue;
    kept.push(f);
  }
  kept.sort((a, b) => a.start - b.start);

  const diagnostics: Diagnostic[] = [];
  /** Whether a line carries the allowlist pragma, by line (each line is read once, however many findings it holds). */
  const allowlisted = new Map<number, boolean>();
  for (const f of kept) {
    if (diagnostics.length >= maxDiagnosticsPerCode) break;
    const range = doc.rangeOf(f.start, f.end);
    let pragma = allowlisted.get(range.start.line);
    if (pragma === undefined) allowlisted.set(range.start.line, (pragma = allowlistPragma.test(doc.lineText(range.start.line))));
    if (pragma) continue;
    diagnostics.push(diag('secret-in-asset', file.path, range, messageFor(f.kind, text.slice(f.start, f.end))));
  }
  return diagnostics;
}
