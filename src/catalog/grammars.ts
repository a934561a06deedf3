/**
 * The two tree-sitter grammars the catalog parses scripts with, loaded once per process.
 * The WASM files ship inside the grammar packages; they are resolved through Node's module
 * resolution (not a path relative to this file) so the same code works from src/ under tsx and
 * from dist/ after `tsc`.
 */
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type { Node as SyntaxNode };

export interface Grammars {
  powershell: Parser;
  python: Parser;
}

const require = createRequire(import.meta.url);
let loading: Promise<Grammars> | undefined;

export function loadGrammars(): Promise<Grammars> {
  loading ??= load().catch((error: unknown) => {
    // A failed load (missing package) must not be cached: a later call may succeed after install.
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<Grammars> {
  // The PowerShell grammar's lexer is one huge WASM function. V8's optimising tier spends 7-10 s
  // of CPU compiling it in the background, and a process cannot exit until that compile is done
  // (measured: `npm run catalog` took 20 s instead of 2.7 s). The baseline compiler's code parses
  // the catalog just as fast, so WASM stays on the baseline tier. This is a process-wide V8
  // setting; no other WASM in this process is on a hot path (core HTTP parsing is native).
  v8.setFlagsFromString('--liftoff-only');
  await Parser.init();
  const [powershell, python] = await Promise.all([
    Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm')),
    Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')),
  ]);
  return { powershell: parserFor(powershell), python: parserFor(python) };
}

function parserFor(language: Language): Parser {
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Children without the nulls the binding's signature allows for. */
export function childrenOf(node: Node): Node[] {
  return node.children.filter((child): child is Node => child !== null);
}

export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

/** 1-based line of a node, the form every CatalogProblem uses. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

/** The innermost first ERROR or MISSING node in document order, if the parse had one. */
export function firstSyntaxError(node: Node): Node | undefined {
  if (!node.hasError && !node.isMissing) return undefined;
  for (const child of childrenOf(node)) {
    const found = firstSyntaxError(child);
    if (found) return found;
  }
  return node;
}

/** A short description of a syntax error for problem messages. */
export function describeSyntaxError(node: Node): string {
  if (node.isMissing) return `missing "${node.type}"`;
  const snippet = node.text.split(/\r?\n/)[0].trim().slice(0, 40);
  return snippet ? `unexpected \`${snippet}\`` : 'unexpected end of input';
}
