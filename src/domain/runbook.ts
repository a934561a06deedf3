/**
 * The runbook model shared by every layer. A RunbookDefinition is derived from a script's own
 * param() block / argparse calls and comment help (see src/catalog), or from a runbook published
 * in an Azure Automation account. Nothing here is hand-written per runbook.
 */

/** Value types a form and the validator understand. */
export type ParameterType =
  | 'string'
  | 'int' // int / long
  | 'number' // double / float / decimal
  | 'bool' // [bool] — explicit true/false value
  | 'switch' // [switch] / argparse store_true — present or absent
  | 'datetime'
  | 'string[]'
  | 'secret' // securestring, or any parameter the author marks secret
  | 'credential'; // pscredential: a user name + secret pair

export type ParameterValue = string | number | boolean | string[];

export interface ParameterDefinition {
  name: string;
  type: ParameterType;
  required: boolean;
  /** True for securestring/pscredential and for names listed as secret in the script metadata. */
  secret: boolean;
  default?: ParameterValue;
  /** [ValidateSet] / argparse choices. */
  choices?: string[];
  /** [ValidatePattern] (.NET regex, used as a JS regex) */
  pattern?: string;
  /** Readable explanation shown when the pattern does not match. */
  patternMessage?: string;
  /** [ValidateRange] / numeric bounds. */
  min?: number;
  max?: number;
  /** [ValidateLength] */
  minLength?: number;
  maxLength?: number;
  /** [ValidateNotNullOrEmpty] */
  notEmpty?: boolean;
  /** HelpMessage or .PARAMETER help or argparse help. */
  help?: string;
  aliases?: string[];
  /**
   * How the local executor passes the value. PowerShell: `-Name value`; Python argparse option:
   * the flag as declared (`--server`); Python positional: undefined flag + positional=true.
   */
  flag?: string;
  positional?: boolean;
}

export type RunbookLanguage = 'powershell' | 'python' | 'bash';

/** Where a run goes: the Azure cloud sandbox, this machine, or a named hybrid worker group. */
export type RunTarget = 'cloud' | 'local' | string;

export interface RunbookDefinition {
  /** Unique, case-insensitive name: the file name without extension (e.g. Restart-AppPool). */
  name: string;
  language: RunbookLanguage;
  /** Path relative to the runbooks folder; absent for runbooks known only from Azure. */
  file?: string;
  category: string;
  tags: string[];
  synopsis: string;
  description: string;
  examples: string[];
  notes?: string;
  /** In declaration order — Python runbooks on Azure receive values positionally in this order. */
  parameters: ParameterDefinition[];
  target: RunTarget;
  timeoutSeconds: number;
  owner?: string;
  /** sha256 of the script content (hex), used for "what's new" and publish-on-commit. */
  contentHash: string;
  /** Where the definition came from. */
  source: 'local' | 'azure' | 'local+azure';
  /** Differences between the local script and the published runbook, when both exist. */
  drift?: string[];
}

/** A script the catalog could not understand. It is reported, never fatal. */
export interface CatalogProblem {
  file: string;
  line: number;
  reason: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_CATEGORY = 'General';
