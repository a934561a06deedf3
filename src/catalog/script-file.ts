/**
 * One script file → a runbook or the problems that kept it out. Also decides which files in the
 * runbooks folder are runbooks at all.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CatalogProblem, RunbookDefinition, RunbookLanguage } from '../domain/runbook.js';
import type { Grammars } from './grammars.js';
import { describePowerShell } from './powershell-parser.js';
import { describePython } from './python-parser.js';
import { buildRunbook } from './runbook-builder.js';
import { describeShell } from './shell-parser.js';

export interface ScriptResult {
  /** Relative to the runbooks folder, forward slashes. */
  file: string;
  contentHash: string;
  runbook?: RunbookDefinition;
  problems: CatalogProblem[];
}

const LANGUAGES: Record<string, RunbookLanguage> = { '.ps1': 'powershell', '.py': 'python', '.sh': 'bash' };

/**
 * The runbook language of a path relative to the runbooks folder, or undefined when the file is
 * not a runbook: other extensions, and anything whose name or folder starts with "." or "_"
 * (hidden files, `__pycache__`, helper modules such as `_common.py`).
 */
export function runbookLanguageOf(file: string): RunbookLanguage | undefined {
  if (file.split(/[\\/]/).some((segment) => segment.startsWith('.') || segment.startsWith('_'))) return undefined;
  return LANGUAGES[path.extname(file).toLowerCase()];
}

/** Every runbook script under `root`, relative, forward slashes, sorted. */
export async function listScripts(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => toCatalogPath(path.relative(root, path.join(e.parentPath ?? e.path, e.name))))
    .filter((file) => runbookLanguageOf(file) !== undefined)
    .sort();
}

export function toCatalogPath(relative: string): string {
  return relative.split(path.sep).join('/');
}

export function hashContent(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses one script. Never throws: whatever goes wrong becomes a problem for this file. */
export function describeScript(file: string, bytes: Buffer, grammars: Grammars, contentHash = hashContent(bytes)): ScriptResult {
  const language = runbookLanguageOf(file);
  const name = path.basename(file, path.extname(file));
  const fail = (line: number, reason: string): ScriptResult => ({ file, contentHash, problems: [{ file, line, reason }] });
  if (!language) return fail(1, 'not a runbook file (.ps1, .py or .sh, not starting with "." or "_")');
  try {
    const source = decode(bytes);
    const shape =
      language === 'powershell' ? describePowerShell(source, grammars.powershell)
      : language === 'python' ? describePython(source, grammars.python)
      : describeShell(source);
    const { runbook, problems } = buildRunbook({ file, name, language, contentHash }, shape);
    return { file, contentHash, ...(runbook && { runbook }), problems: problems.map((p) => ({ file, ...p })) };
  } catch (error) {
    return fail(1, `could not be parsed: ${(error as Error).message}`);
  }
}

/**
 * Script text from bytes: UTF-8 with or without BOM, or UTF-16 with BOM (what Windows PowerShell
 * ISE saved by default). Invalid UTF-8 becomes U+FFFD rather than a failure: old Windows-1252
 * scripts usually differ only in comments.
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM
}
