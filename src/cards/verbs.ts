/**
 * Action.Execute verbs shared by the card templates (which emit them) and the bot (which routes
 * them). Card data is untrusted: the data listed here only says what the user clicked; the server
 * looks up everything that matters (form grants, jobs, permissions) itself.
 */
export const Verb = {
  /** Main menu. data: {} */
  menu: 'menu',
  /** One page of a category. data: { category: string, page?: number } */
  category: 'category',
  /** Search results. data: { query?: string (from the search box input `query`), page?: number } */
  search: 'search',
  /** Catalog changes. data: {} */
  whatsNew: 'whatsNew',
  /** The clicking user's recent jobs. data: {} */
  myJobs: 'myJobs',
  /** Recent runs in this conversation. data: {} */
  recentHere: 'recentHere',
  /** Open the form for a runbook. data: { runbook: string, fromJobId?: string (run again) } */
  openForm: 'openForm',
  /** Submit a form. data: { formId: string } + inputs named `${PARAM_INPUT_PREFIX}<Name>` */
  submitRun: 'submitRun',
  /** Cancel a job. data: { jobId: string } */
  cancelJob: 'cancelJob',
  /** Refresh a job card (also used as the card's refresh action). data: { jobId: string } */
  refreshJob: 'refreshJob',
  /** Full output of a job, paged. data: { jobId: string, page?: number } */
  fullOutput: 'fullOutput',
  /** Open the friction form. data: { jobId?: string } */
  reportFriction: 'reportFriction',
  /** Submit friction. data: { jobId?: string } + input `frictionText` */
  submitFriction: 'submitFriction',
  /** Approve / reject a run waiting for approval. data: { jobId: string } */
  approve: 'approve',
  reject: 'reject',
  /** History of a runbook. data: { runbook: string } */
  history: 'history',
} as const;

export type VerbName = (typeof Verb)[keyof typeof Verb];

/** Form inputs are named `p.<ParameterName>` so they never collide with action data keys. */
export const PARAM_INPUT_PREFIX = 'p.';
export const SEARCH_INPUT_ID = 'query';
export const FRICTION_INPUT_ID = 'frictionText';
/** The form's "Run on" choice (cloud sandbox or a worker group); the server checks it again. */
export const TARGET_INPUT_ID = 'target';
