/**
 * Decides who may run what, where, with which values, from the rules of a PolicyDocument.
 *
 * Precedence (documented in docs/security.md):
 *   1. a matching deny rule wins (the first one in the file is reported);
 *   2. otherwise a matching allow rule without approval allows;
 *   3. otherwise the first matching allow rule with approval asks for approval;
 *   4. otherwise the request is denied (rule "default-deny").
 * A rule matches when its runbook selectors, places, people and condition all match. Granting
 * conditions must hold for every element of a list value; denying ones trigger on any element.
 */
import { samePerson, type Principal } from '../domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import type { Logger } from '../logging/logger.js';
import { evaluateCondition } from './condition.js';
import { DirectoryUnavailableError, type Directory } from './graph-directory.js';
import { compileGlob } from './glob.js';
import type { PolicyDocument, PolicyRule, Subjects } from './policy-file.js';
import type { ApprovalContext, ApprovalRequirement, Place, Policy, PolicyDecision } from './policy.js';

/** Where the engine gets the rules in force; a file watcher swaps them on reload. */
export interface PolicySource {
  current(): PolicyDocument;
}

export const DEFAULT_DENY_RULE = 'default-deny';
export const DIRECTORY_UNAVAILABLE_RULE = 'directory-unavailable';

/** Local development without a policy file: everyone may run and audit everything. */
export const DEVELOPMENT_POLICY: PolicyDocument = {
  source: 'built-in development policy (no POLICY_FILE, development mode)',
  rules: [
    {
      id: 'development-default',
      effect: 'allow',
      line: 0,
      runbooks: [compileGlob('*')],
      subjects: { users: ['*'], groups: [] },
      chooseTarget: true,
    },
  ],
  auditors: { users: ['*'], groups: [] },
};

/** Outside development without a policy file nothing is granted. */
export const NO_POLICY: PolicyDocument = {
  source: 'no policy file',
  rules: [],
  auditors: { users: [], groups: [] },
  defaultDenyReason: 'No policy file is configured (POLICY_FILE), so no runbook may run. Ask the bot administrator to set one up.',
};

/** Who the user is, resolved lazily and at most once per question: most rules need no Graph call. */
class Identity {
  private upnLookup?: Promise<string | undefined>;
  private groupLookup?: Promise<Set<string>>;

  constructor(
    readonly user: Principal,
    private readonly directory: Directory,
  ) {}

  get objectId(): string | undefined {
    return this.user.aadObjectId?.toLowerCase();
  }

  upn(): Promise<string | undefined> {
    this.upnLookup ??= this.directory.userPrincipalName(this.user).then((upn) => upn?.toLowerCase());
    return this.upnLookup;
  }

  /** Group ids and display names, lower-cased, so rules may name groups either way. */
  groups(): Promise<Set<string>> {
    this.groupLookup ??= this.directory
      .groupsOf(this.user)
      .then((groups) => new Set(groups.flatMap((g) => [g.id.toLowerCase(), ...(g.displayName ? [g.displayName.toLowerCase()] : [])])));
    return this.groupLookup;
  }

  async isIn(subjects: Subjects): Promise<boolean> {
    if (subjects.users.includes('*')) return true;
    if (this.objectId && subjects.users.includes(this.objectId)) return true;
    if (subjects.users.some((u) => u.includes('@'))) {
      const upn = await this.upn();
      if (upn && subjects.users.includes(upn)) return true;
    }
    if (subjects.groups.length === 0) return false;
    const groups = await this.groups();
    return subjects.groups.some((g) => groups.has(g));
  }
}

function coversRunbook(rule: PolicyRule, runbook: RunbookDefinition): boolean {
  if (rule.runbooks && !rule.runbooks.some((glob) => glob(runbook.name))) return false;
  if (rule.categories && !rule.categories.some((glob) => glob(runbook.category))) return false;
  if (rule.tags && !rule.tags.some((glob) => runbook.tags.some((tag) => glob(tag)))) return false;
  return true;
}

function coversPlace(rule: PolicyRule, place: Place): boolean {
  if (!rule.places) return true;
  return rule.places.some(
    (selector) =>
      (!selector.kinds || selector.kinds.includes(place.kind)) &&
      (!selector.teamId || selector.teamId === place.teamId?.toLowerCase()) &&
      (!selector.channelId || selector.channelId(place.channelId)) &&
      (!selector.channelName || selector.channelName(place.name)),
  );
}

/** Whether a rule's subjects name the user; 'unknown' when the directory could not be asked. */
type Membership = 'named' | 'not named' | 'unknown';

/** Distinct answers kept per runbook list: one per combination of deciding rules, a handful in practice. */
const MAX_REMEMBERED_ANSWERS = 256;

/** The runbooks some named rule grants and no unconditional deny (or unanswerable rule) hides. */
function grantedRunbooks(runbooks: readonly RunbookDefinition[], rules: { rule: PolicyRule; membership: Membership }[]): RunbookDefinition[] {
  return runbooks.filter((runbook) => {
    let granted = false;
    for (const { rule, membership } of rules) {
      if (!coversRunbook(rule, runbook)) continue;
      // Fail closed: a runbook whose rules could not be checked against the directory is hidden.
      if (membership === 'unknown') return false;
      // A conditional deny hides nothing: other values may be fine. A conditional grant shows it.
      if (rule.effect === 'deny' && !rule.when) return false;
      if (rule.effect === 'allow') granted = true;
    }
    return granted;
  });
}

function describePlace(place: Place): string {
  if (place.kind === 'personal') return 'in a personal chat';
  if (place.kind === 'groupChat') return place.name ? `in the group chat "${place.name}"` : 'in this group chat';
  return place.name ? `in the channel "${place.name}"` : 'in this channel';
}

export class PolicyEngine implements Policy {
  private readonly answersByList = new WeakMap<readonly RunbookDefinition[], { document: PolicyDocument; answers: Map<string, readonly RunbookDefinition[]> }>();

  constructor(
    private readonly source: PolicySource,
    private readonly directory: Directory,
    private readonly logger?: Logger,
  ) {}

  async decide(
    user: Principal,
    runbook: RunbookDefinition,
    place: Place,
    values: Record<string, ParameterValue>,
  ): Promise<PolicyDecision> {
    const document = this.source.current();
    try {
      const rules = await this.rulesFor(document, new Identity(user, this.directory), runbook, place);
      const applies = (rule: PolicyRule) =>
        !rule.when || evaluateCondition(rule.when.condition, values, rule.effect === 'deny' ? 'some' : 'every');
      const deny = rules.find((rule) => rule.effect === 'deny' && applies(rule));
      if (deny)
        return {
          effect: 'deny',
          rule: deny.id,
          reason: deny.reason ?? `Policy rule "${deny.id}" does not allow ${runbook.name} ${describePlace(place)}${deny.when ? ` when ${deny.when.text}` : ''}.`,
        };
      const grants = rules.filter((rule) => rule.effect === 'allow' && applies(rule));
      const allow = grants.find((rule) => !rule.approval);
      if (allow) return { effect: 'allow', rule: allow.id };
      const approval = grants.find((rule) => rule.approval);
      if (approval?.approval) return { effect: 'approval', rule: approval.id, approval: { ...approval.approval } };
      return {
        effect: 'deny',
        rule: DEFAULT_DENY_RULE,
        reason:
          document.defaultDenyReason ??
          `No policy rule lets you run ${runbook.name} ${describePlace(place)} with these values. Ask the bot administrator if you need it.`,
      };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      this.logger?.warn({ err: error.message, runbook: runbook.name }, 'policy: group membership lookup failed; denying');
      return {
        effect: 'deny',
        rule: DIRECTORY_UNAVAILABLE_RULE,
        reason: 'I could not check your group memberships in Microsoft Entra ID just now, so I cannot tell whether you may run this. Please try again in a minute.',
      };
    }
  }

  async canSee(user: Principal, runbook: RunbookDefinition, place: Place): Promise<boolean> {
    return (await this.visibleRunbooks(user, [runbook], place)).length > 0;
  }

  async visibleRunbooks(user: Principal, runbooks: readonly RunbookDefinition[], place: Place): Promise<readonly RunbookDefinition[]> {
    const document = this.source.current();
    // Whether a rule names this user is asked once per rule (only for rules some runbook needs),
    // with one Identity, so the directory is consulted at most once for the whole list.
    const who = new Identity(user, this.directory);
    const applicable = document.rules.flatMap((rule, index) =>
      coversPlace(rule, place) && runbooks.some((runbook) => coversRunbook(rule, runbook)) ? [{ rule, index }] : [],
    );
    const naming = await Promise.all(applicable.map(({ rule }) => this.membership(who, rule.subjects)));
    // What is left depends only on which of those rules name the user, not on who it is: people
    // asking for help or the menu in the same kind of place share one answer, remembered per
    // runbook list (Catalog.list hands out one per catalog version) and policy document. Before,
    // each help over 1,000 runbooks walked every runbook against every rule again.
    const deciding = applicable.map((a, i) => ({ ...a, membership: naming[i] })).filter((a) => a.membership !== 'not named');
    const key = deciding.map(({ index, membership }) => `${index}:${membership}`).join(',');
    const answers = this.visibleAnswers(runbooks, document);
    let answer = answers.get(key);
    if (!answer) {
      answer = Object.freeze(grantedRunbooks(runbooks, deciding));
      if (answers.size >= MAX_REMEMBERED_ANSWERS) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  }

  async canApprove(user: Principal, requirement: ApprovalRequirement, request: ApprovalContext = {}): Promise<boolean> {
    if (request.requester && samePerson(user, request.requester)) return false;
    if (requirement.groups.length === 0) {
      return request.runbook && request.place ? this.canSee(user, request.runbook, request.place) : false;
    }
    const approvers: Subjects = { users: [], groups: requirement.groups.map((g) => g.toLowerCase()) };
    return this.failClosed(() => new Identity(user, this.directory).isIn(approvers));
  }

  /** An allow rule with chooseTarget names the user here, and no unconditional deny does. */
  async canChooseTarget(user: Principal, runbook: RunbookDefinition, place: Place): Promise<boolean> {
    return this.failClosed(async () => {
      const rules = await this.rulesFor(this.source.current(), new Identity(user, this.directory), runbook, place);
      if (rules.some((rule) => rule.effect === 'deny' && !rule.when)) return false;
      return rules.some((rule) => rule.effect === 'allow' && rule.chooseTarget === true);
    });
  }

  async canAudit(user: Principal): Promise<boolean> {
    return this.failClosed(() => new Identity(user, this.directory).isIn(this.source.current().auditors));
  }

  /** Rules about this runbook, in this place, that name this user (directly or by group). */
  /** Answers of visibleRunbooks for this runbook list under this policy document, by deciding rules. */
  private visibleAnswers(runbooks: readonly RunbookDefinition[], document: PolicyDocument): Map<string, readonly RunbookDefinition[]> {
    let remembered = this.answersByList.get(runbooks);
    if (remembered?.document !== document) {
      remembered = { document, answers: new Map() };
      this.answersByList.set(runbooks, remembered);
    }
    return remembered.answers;
  }

  private async rulesFor(document: PolicyDocument, who: Identity, runbook: RunbookDefinition, place: Place): Promise<PolicyRule[]> {
    const matching: PolicyRule[] = [];
    for (const rule of document.rules) {
      if (coversRunbook(rule, runbook) && coversPlace(rule, place) && (await who.isIn(rule.subjects))) matching.push(rule);
    }
    return matching;
  }

  private async membership(who: Identity, subjects: Subjects): Promise<Membership> {
    try {
      return (await who.isIn(subjects)) ? 'named' : 'not named';
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      this.logger?.warn({ err: error.message }, 'policy: group membership lookup failed; hiding the runbooks it decides');
      return 'unknown';
    }
  }

  private async failClosed(question: () => Promise<boolean>): Promise<boolean> {
    try {
      return await question();
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      this.logger?.warn({ err: error.message }, 'policy: group membership lookup failed; answering no');
      return false;
    }
  }
}
