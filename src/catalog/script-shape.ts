/**
 * What a language parser understood of one script, before catalog metadata and help are applied
 * (runbook-builder.ts turns it into a RunbookDefinition).
 */
import type { Parser } from 'web-tree-sitter';
import type { ParameterDefinition } from '../domain/runbook.js';
import type { SyntaxNode } from './grammars.js';
import { emptyHelp, type HelpText } from './help-text.js';
import type { LineProblem } from './metadata.js';

export interface ParsedParameter extends ParameterDefinition {
  /** Where the parameter is declared, for problems found later. */
  line: number;
  /** A default the script computes at run time (`$env:COMPUTERNAME`): shown in help, never pre-filled. */
  defaultExpression?: string;
  /** Help from a comment next to the declaration, used when the help block has none. */
  commentHelp?: string;
}

export interface ScriptShape {
  help: HelpText;
  /** In declaration order. */
  parameters: ParsedParameter[];
  /** Anything that makes the script's form untrustworthy; the runbook is left out when non-empty. */
  problems: LineProblem[];
}

/** Parses `source` and describes the tree, freeing the tree (it lives in WASM memory, not on the JS heap). */
export function describeParsed(parser: Parser, source: string, describe: (root: SyntaxNode) => ScriptShape): ScriptShape {
  const tree = parser.parse(source);
  if (!tree) return { help: emptyHelp(), parameters: [], problems: [{ line: 1, reason: 'the parser could not read this file' }] };
  try {
    return describe(tree.rootNode);
  } finally {
    tree.delete();
  }
}
