/**
 * Reads policy.yaml into a checked PolicyDocument. Every problem is reported with its line and
 * column (unknown keys with a "did you mean", bad values with what is expected and an example),
 * and all problems are collected before failing so an operator fixes the file in one pass.
 * The format is documented in docs/security.md; policy.example.yaml is a complete example.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PlaceKind } from '../domain/conversation.js';
import { compileGlob, type Glob } from './glob.js';
import { ConditionSyntaxError, parseCondition, type Condition } from './condition.js';
import type { ApprovalRequirement } from './policy.js';

/** Who a rule (or the auditor list) is about. Entries are lower-cased; `*` means everyone. */
export interface Subjects {
  /** AAD object ids and UPNs. */
  users: string[];
  /** AAD group object ids or display names. */
  groups: string[];
}

/** One entry of `places:`. All fields given must match; absent fields match anything. */
export interface PlaceSelector {
  kinds?: PlaceKind[];
  teamId?: string;
  channelId?: Glob;
  channelName?: Glob;
}

export interface PolicyRule {
  id: string;
  effect: 'allow' | 'deny';
  /** Line of the rule in the file, for log messages. */
  line: number;
  runbooks?: Glob[];
  categories?: Glob[];
  tags?: Glob[];
  subjects: Subjects;
  /** Absent: any place. */
  places?: PlaceSelector[];
  when?: { text: string; condition: Condition };
  approval?: ApprovalRequirement;
  /** Shown to the user when a deny rule decides. */
  reason?: string;
  /** Allow rules only: the form offers a choice of target (cloud or a worker group). */
  chooseTarget?: boolean;
}

export interface PolicyDocument {
  /** Where the rules came from (file path or a built-in name), for logs. */
  source: string;
  rules: PolicyRule[];
  auditors: Subjects;
  /** Said when no rule grants a request (the built-in no-file policy explains why). */
  defaultDenyReason?: string;
}

export interface PolicyProblem {
  line: number;
  column: number;
  message: string;
}

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    super(
      `Policy file ${file} is not valid:\n` +
        problems.map((p) => `  ${file}:${p.line}:${p.column}: ${p.message}`).join('\n'),
    );
    this.name = 'PolicyFileError';
  }
}

const DEFAULT_APPROVAL_EXPIRY_SECONDS = 3600;
const MAX_APPROVAL_EXPIRY_SECONDS = 7 * 24 * 3600;
const MAX_APPROVERS = 10;
const PLACE_KINDS: readonly PlaceKind[] = ['personal', 'groupChat', 'channel'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Collects problems against YAML nodes, turning node offsets into line:column. */
class Reporter {
  readonly problems: PolicyProblem[] = [];
  constructor(private readonly lines: LineCounter) {}

  at(node: Node | Pair | null | undefined, message: string, offsetInNode = 0): void {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    const { line, col } = this.lines.linePos((range?.[0] ?? 0) + offsetInNode);
    this.problems.push({ line, column: col, message });
  }

  lineOf(node: Node): number {
    return this.lines.linePos(node.range?.[0] ?? 0).line;
  }
}

/**
 * The fields of one mapping, after checking that it is a mapping and has only known keys.
 * `seen` keeps the key nodes so missing-but-required errors can point at the mapping itself.
 */
function fieldsOf(node: Node | null, known: readonly string[], what: string, report: Reporter): Map<string, Node | null> | undefined {
  if (!isMap(node)) {
    report.at(node, `${what} must be a mapping of keys (${known.join(', ')}).`);
    return undefined;
  }
  const fields = new Map<string, Node | null>();
  for (const pair of (node as YAMLMap<Node, Node | null>).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) {
      report.at(pair.key, `Keys in ${what} must be plain words.`);
    } else if (!known.includes(key)) {
      const suggestion = closest(key, known);
      report.at(pair.key, `Unknown key "${key}" in ${what}.${suggestion ? ` Did you mean "${suggestion}"?` : ''} Known keys: ${known.join(', ')}.`);
    } else {
      fields.set(key, pair.value);
    }
  }
  return fields;
}

/** The known word closest to a misspelt one (edit distance ≤ 2, case-insensitive). */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function text(node: Node | null | undefined, what: string, report: Reporter, example: string): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).trim() !== '')
    return String(node.value).trim();
  report.at(node, `${what} must be a text, e.g. ${example}.`);
  return undefined;
}

/** A single text or a list of texts, each with its node so problems can point at the entry. */
function entries(node: Node | null | undefined, what: string, report: Reporter, example: string): { text: string; node: Node | null }[] {
  if (isSeq(node)) {
    if (node.items.length === 0) report.at(node, `${what} is an empty list; remove it or list at least one entry, e.g. ${example}.`);
    return (node.items as (Node | null)[]).flatMap((item) => {
      const value = text(item, `Each entry of ${what}`, report, example);
      return value === undefined ? [] : [{ text: value, node: item }];
    });
  }
  const single = text(node, what, report, example);
  return single === undefined ? [] : [{ text: single, node: node ?? null }];
}

function textList(node: Node | null | undefined, what: string, report: Reporter, example: string): string[] {
  return entries(node, what, report, example).map((entry) => entry.text);
}

function globList(node: Node | null | undefined, what: string, report: Reporter, example: string): Glob[] {
  return textList(node, what, report, example).map(compileGlob);
}

/** `90s`, `30m`, `2h`, `1d`, or a number of seconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^(\d+)\s*([smhd])$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2].toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

function duration(node: Node | null | undefined, what: string, report: Reporter): number | undefined {
  const raw = isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? node.value : undefined;
  const seconds = raw === undefined ? undefined : parseDuration(raw);
  if (seconds === undefined || seconds > MAX_APPROVAL_EXPIRY_SECONDS) {
    report.at(node, `${what} must be a duration up to 7d, like 90s, 30m, 2h or 1d (got ${JSON.stringify(raw ?? null)}).`);
    return undefined;
  }
  return seconds;
}

function subjects(fields: Map<string, Node | null>, report: Reporter): Subjects {
  const users = fields.has('users') ? entries(fields.get('users'), 'users', report, "[alice@contoso.com, '0d5c2a11-…']") : [];
  for (const user of users) {
    if (user.text !== '*' && !GUID.test(user.text) && !UPN.test(user.text))
      report.at(user.node, `users entry "${user.text}" is neither an AAD object id (a GUID) nor a UPN (name@domain); use '*' for everyone.`);
  }
  const groups = fields.has('groups') ? textList(fields.get('groups'), 'groups', report, "['SRE On-Call', '5f1c…']") : [];
  return { users: users.map((u) => u.text.toLowerCase()), groups: groups.map((g) => g.toLowerCase()) };
}

function places(node: Node | null | undefined, report: Reporter): PlaceSelector[] {
  const items = isSeq(node) ? (node.items as (Node | null)[]) : [node ?? null];
  return items.flatMap((item): PlaceSelector[] => {
    if (isScalar(item)) {
      const kind = PLACE_KINDS.find((k) => k.toLowerCase() === String(item.value).toLowerCase());
      if (!kind) {
        report.at(item, `Unknown place "${String(item.value)}": use personal, groupChat, channel, or a mapping like { channelName: 'inc-*' } or { teamId: '19:…@thread.tacv2' }.`);
        return [];
      }
      return [{ kinds: [kind] }];
    }
    const fields = fieldsOf(item, ['teamId', 'channelId', 'channelName'], 'a place', report);
    if (!fields) return [];
    if (fields.size === 0) {
      report.at(item, 'A place mapping needs teamId, channelId or channelName.');
      return [];
    }
    const selector: PlaceSelector = { kinds: ['channel'] };
    if (fields.has('teamId')) selector.teamId = text(fields.get('teamId'), 'teamId', report, "'19:abc…@thread.tacv2'")?.toLowerCase();
    const channelId = fields.has('channelId') ? text(fields.get('channelId'), 'channelId', report, "'19:abc…@thread.tacv2'") : undefined;
    if (channelId) selector.channelId = compileGlob(channelId);
    const channelName = fields.has('channelName') ? text(fields.get('channelName'), 'channelName', report, "'inc-*'") : undefined;
    if (channelName) selector.channelName = compileGlob(channelName);
    return [selector];
  });
}

function approval(node: Node | null | undefined, defaultExpiry: number, report: Reporter): ApprovalRequirement | undefined {
  const fields = fieldsOf(node ?? null, ['approvers', 'groups', 'expires'], 'approval', report);
  if (!fields) return undefined;
  let count = 1;
  if (fields.has('approvers')) {
    const raw = fields.get('approvers');
    const value = isScalar(raw) ? raw.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_APPROVERS) count = value;
    else report.at(raw, `approvers must be a whole number from 1 to ${MAX_APPROVERS} (got ${JSON.stringify(value ?? null)}).`);
  }
  const groups = fields.has('groups') ? textList(fields.get('groups'), 'approval groups', report, "['SRE Leads']") : [];
  const expiresInSeconds = fields.has('expires') ? (duration(fields.get('expires'), 'expires', report) ?? defaultExpiry) : defaultExpiry;
  return { count, groups, expiresInSeconds };
}

function condition(node: Node | null | undefined, report: Reporter): PolicyRule['when'] {
  const source = text(node, 'when', report, "\"Environment == 'prod'\"");
  if (source === undefined || !isScalar(node)) return undefined;
  try {
    return { text: source, condition: parseCondition(source) };
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    // Point at the offending character when the scalar is written inline on one line.
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    const inline = node.type === 'PLAIN' || quoted === 1;
    report.at(node, `Condition "${source}": ${error.message}`, inline ? error.offset + quoted : 0);
    return undefined;
  }
}

const RULE_KEYS = ['id', 'description', 'effect', 'runbooks', 'categories', 'tags', 'users', 'groups', 'places', 'when', 'approval', 'reason', 'chooseTarget'] as const;

function rule(node: Node | null, index: number, defaultExpiry: number, ids: Set<string>, report: Reporter): PolicyRule | undefined {
  const fields = fieldsOf(node, RULE_KEYS, `rule #${index + 1}`, report);
  if (!fields || !node) return undefined;
  const before = report.problems.length;
  const id = fields.has('id') ? text(fields.get('id'), 'id', report, 'sre-restart-prod') : undefined;
  if (!fields.has('id')) report.at(node, `Rule #${index + 1} needs an id (a short name shown in decisions and the audit log), e.g. id: sre-restart-prod.`);
  const label = id ? `Rule "${id}"` : `Rule #${index + 1}`;
  if (id && ids.has(id.toLowerCase())) report.at(fields.get('id'), `${label}: the id is used by an earlier rule; ids must be unique.`);
  if (id) ids.add(id.toLowerCase());

  const effectNode = fields.get('effect');
  const effect = isScalar(effectNode) ? String(effectNode.value).toLowerCase() : undefined;
  if (effect !== 'allow' && effect !== 'deny')
    report.at(effectNode ?? node, `${label}: effect must be allow or deny${effectNode ? ` (got ${JSON.stringify(isScalar(effectNode) ? effectNode.value : null)})` : ''}.`);

  const selectors = {
    runbooks: fields.has('runbooks') ? globList(fields.get('runbooks'), 'runbooks', report, "['Restart-*', Get-DiskReport]") : undefined,
    categories: fields.has('categories') ? globList(fields.get('categories'), 'categories', report, '[SQL, Azure]') : undefined,
    tags: fields.has('tags') ? globList(fields.get('tags'), 'tags', report, '[incident, readonly]') : undefined,
  };
  if (!selectors.runbooks && !selectors.categories && !selectors.tags)
    report.at(node, `${label}: say which runbooks it is about with runbooks, categories or tags (runbooks: ['*'] for all).`);

  const who = subjects(fields, report);
  if (!fields.has('users') && !fields.has('groups'))
    report.at(node, `${label}: say who it is about with users or groups (users: ['*'] for everyone).`);

  const result: PolicyRule = { id: id ?? '', effect: effect === 'deny' ? 'deny' : 'allow', line: report.lineOf(node), ...selectors, subjects: who };
  if (fields.has('places')) result.places = places(fields.get('places'), report);
  if (fields.has('when')) result.when = condition(fields.get('when'), report);
  if (fields.has('approval')) {
    if (effect === 'deny') report.at(fields.get('approval'), `${label}: approval only makes sense on allow rules.`);
    else result.approval = approval(fields.get('approval'), defaultExpiry, report);
  }
  if (fields.has('reason')) {
    if (effect !== 'deny') report.at(fields.get('reason'), `${label}: reason is the message of a deny rule; use description on allow rules.`);
    else result.reason = text(fields.get('reason'), 'reason', report, "'Production restarts go through the change board.'");
  }
  if (fields.has('chooseTarget')) {
    const raw = fields.get('chooseTarget');
    const value = isScalar(raw) ? raw.value : undefined;
    if (typeof value !== 'boolean') report.at(raw, `${label}: chooseTarget must be true or false (got ${JSON.stringify(value ?? null)}), e.g. chooseTarget: true.`);
    else if (effect === 'deny') report.at(raw, `${label}: chooseTarget only makes sense on allow rules.`);
    else if (value) result.chooseTarget = true;
  }
  return report.problems.length === before ? result : undefined;
}

/** Parses and checks a policy file's text. Throws PolicyFileError listing every problem. */
export function parsePolicy(source: string, file: string): PolicyDocument {
  const lines = new LineCounter();
  const document = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const report = new Reporter(lines);
  for (const error of document.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    report.problems.push({ line, column: col, message: `YAML syntax: ${error.message}` });
  }
  if (report.problems.length) throw new PolicyFileError(file, report.problems);

  const top = fieldsOf(document.contents, ['version', 'defaults', 'auditors', 'rules'], 'the policy file', report);
  if (!top) throw new PolicyFileError(file, report.problems);

  const versionNode = top.get('version');
  if (top.has('version') && !(isScalar(versionNode) && Number(versionNode.value) === 1))
    report.at(versionNode, 'version must be 1 (the only policy format so far).');

  let defaultExpiry = DEFAULT_APPROVAL_EXPIRY_SECONDS;
  if (top.has('defaults')) {
    const defaults = fieldsOf(top.get('defaults') ?? null, ['approvalExpiry'], 'defaults', report);
    if (defaults?.has('approvalExpiry')) defaultExpiry = duration(defaults.get('approvalExpiry'), 'approvalExpiry', report) ?? defaultExpiry;
  }

  let auditors: Subjects = { users: [], groups: [] };
  if (top.has('auditors')) {
    const fields = fieldsOf(top.get('auditors') ?? null, ['users', 'groups'], 'auditors', report);
    if (fields) auditors = subjects(fields, report);
  }

  const rulesNode = top.get('rules');
  const rules: PolicyRule[] = [];
  if (!top.has('rules')) report.at(document.contents, 'The policy file needs a rules: list (see docs/security.md).');
  else if (!isSeq(rulesNode)) report.at(rulesNode, 'rules must be a list of rules, each starting with "- id: …".');
  else {
    const ids = new Set<string>();
    (rulesNode.items as (Node | null)[]).forEach((item, index) => {
      const parsed = rule(item, index, defaultExpiry, ids, report);
      if (parsed) rules.push(parsed);
    });
  }

  if (report.problems.length) throw new PolicyFileError(file, report.problems);
  return { source: file, rules, auditors };
}
