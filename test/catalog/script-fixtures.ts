/**
 * Helpers for the catalog tests: parse a fixture script the way the catalog does, and wait for
 * a live catalog to report a change.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { RunbookDefinition } from '../../src/domain/runbook.js';
import { loadGrammars } from '../../src/catalog/grammars.js';
import type { LiveCatalog } from '../../src/catalog/live-catalog.js';
import { describeScript, type ScriptResult } from '../../src/catalog/script-file.js';

export const SCRIPTS = fileURLToPath(new URL('../fixtures/scripts/', import.meta.url));

/** Parses test/fixtures/scripts/<relative>; `transform` rewrites the bytes first (CRLF, BOM …). */
export async function describeFixture(relative: string, transform: (bytes: Buffer) => Buffer = (b) => b): Promise<ScriptResult> {
  const bytes = transform(readFileSync(path.join(SCRIPTS, relative)));
  return describeScript(path.basename(relative), bytes, await loadGrammars());
}

/** The runbook a fixture defines; fails the test with the problems when there is none. */
export async function runbookFromFixture(relative: string, transform?: (bytes: Buffer) => Buffer): Promise<RunbookDefinition> {
  const result = await describeFixture(relative, transform);
  expect(result.problems, `problems in ${relative}`).to.deep.equal([]);
  expect(result.runbook, `runbook from ${relative}`).to.not.equal(undefined);
  return result.runbook!;
}

/**
 * Resolves with the runbook list of the first change notification that satisfies `accept`;
 * rejects after `timeoutMs` with what the catalog holds at that point.
 */
export function nextChange(
  catalog: LiveCatalog,
  accept: (runbooks: RunbookDefinition[]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<RunbookDefinition[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching catalog change within ${timeoutMs} ms; catalog has ${catalog.list().map((r) => r.name).join(', ') || 'nothing'}, problems ${JSON.stringify(catalog.problems())}`));
    }, timeoutMs);
    const unsubscribe = catalog.onChange((runbooks) => {
      if (!accept(runbooks)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(runbooks);
    });
  });
}
