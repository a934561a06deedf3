/** Every Adaptive Card the bot sends, as pure render functions over domain types. */
export { mainMenuCard, runbookListCard, welcomeCard, helpCard, runbookHelpCard, whatsNewCard } from './catalog-cards.js';
export type { MainMenuInput, RunbookListInput, WelcomeInput, HelpInput } from './catalog-cards.js';
export { runbookFormCard, readFormInputs } from './form.js';
export type { RunbookFormInput, FormInputValue } from './form.js';
export { CREDENTIAL_USER_SUFFIX, TIME_INPUT_SUFFIX, parameterInputId, patternIgnoresCase, exampleValue, runCommandExample } from './form-fields.js';
export { jobCard, fullOutputCard, FULL_OUTPUT_PAGE_SIZE } from './job-cards.js';
export type { JobCardInput, FullOutputInput } from './job-cards.js';
export { approvalCard } from './approval.js';
export type { ApprovalCardInput } from './approval.js';
export { historyCard, jobsListCard, frictionFormCard, frictionListCard, auditCard, FRICTION_MAX_CHARS } from './activity-cards.js';
export { messageCard } from './message.js';
export type { MessageInput, MessageTone } from './message.js';
export type { CardButton } from './elements.js';
export { paginate, RUNBOOKS_PER_PAGE } from './paging.js';
export type { Page } from './paging.js';
export { CARD_BUDGET_BYTES, CARD_SCHEMA_VERSION, MAX_REFRESH_USER_IDS, TEAMS_MESSAGE_LIMIT_BYTES, serializedSize } from './limits.js';
export { Verb, PARAM_INPUT_PREFIX, SEARCH_INPUT_ID, FRICTION_INPUT_ID, TARGET_INPUT_ID } from './verbs.js';
export type { VerbName } from './verbs.js';
