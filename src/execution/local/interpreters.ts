/**
 * Which program runs a runbook, found once on the bot's PATH (or given explicitly), and the
 * fixed interpreter arguments in front of the script. The script's own parameters are added by
 * script-arguments.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunbookLanguage } from '../../domain/runbook.js';
import { ExecutionError } from '../executor.js';

export interface InterpreterPaths {
  pythonPath?: string;
  pwshPath?: string;
  bashPath?: string;
}

/** Absolute path of an executable named `name` on `searchPath`, like `command -v`. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

const INSTALL_HINTS: Record<RunbookLanguage, { message: string; hint: string }> = {
  powershell: {
    message:
      'PowerShell 7 (pwsh) is not installed on this machine; install it or run this runbook on a Hybrid Runbook Worker group',
    hint: 'Install PowerShell 7 (https://learn.microsoft.com/powershell/scripting/install/installing-powershell-on-linux) or set the runbook\'s "Target:" to a Hybrid Runbook Worker group.',
  },
  python: {
    message: 'Python 3 (python3) is not installed on this machine; install it to run Python runbooks locally',
    hint: 'Install python3 (e.g. `apt-get install python3`) or give its path in the local executor options.',
  },
  bash: {
    message: 'bash is not installed on this machine; install it to run shell runbooks locally',
    hint: 'Install bash or give its path in the local executor options.',
  },
};

export class Interpreters {
  private readonly programs: Record<RunbookLanguage, string | undefined>;

  constructor(paths: InterpreterPaths, searchPath?: string) {
    this.programs = {
      python: paths.pythonPath ?? findOnPath('python3', searchPath),
      powershell: paths.pwshPath ?? findOnPath('pwsh', searchPath),
      bash: paths.bashPath ?? findOnPath('bash', searchPath),
    };
  }

  /**
   * argv up to and including the script. PowerShell runs with -File so that arguments are bound
   * as literal strings (never parsed as PowerShell code), without profile or prompts.
   */
  commandFor(language: RunbookLanguage, script: string): string[] {
    const program = this.programs[language];
    if (!program) {
      const { message, hint } = INSTALL_HINTS[language];
      throw new ExecutionError(message, 'not_installed', hint);
    }
    if (language === 'powershell') return [program, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', script];
    return [program, script];
  }
}
