/**
 * Reading the project's Dockerfile without Docker: its instructions, and the environment its
 * final stage gives the running process. The deploy tests check it; the bench starts its servers
 * with the same environment, so they run as the image does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DOCKERFILE = path.resolve(import.meta.dirname, '../../Dockerfile');

/** Instructions with continuation lines joined, comments dropped. */
export function dockerInstructions(text = readFileSync(DOCKERFILE, 'utf8')): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The instructions of the last stage: what the image that runs is made of. */
export function finalStage(instructions = dockerInstructions()): string[] {
  const stages = instructions.flatMap((l, i) => (l.startsWith('FROM ') ? [i] : []));
  return instructions.slice(stages.at(-1) ?? 0);
}

/** The ENV of the final stage (KEY=value pairs; values without spaces or quotes). */
export function imageEnvironment(instructions = dockerInstructions()): Record<string, string> {
  const pairs = finalStage(instructions).filter((l) => l.startsWith('ENV ')).flatMap((l) => l.slice(4).trim().split(/\s+/));
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** The glibc malloc settings the image runs with (see the Dockerfile for why). */
export function mallocEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(imageEnvironment()).filter(([name]) => name.startsWith('MALLOC_')));
}
