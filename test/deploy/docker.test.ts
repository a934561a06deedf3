/**
 * Structural checks of the container image definition (no Docker daemon here): Node 22 slim,
 * production dependencies only after the build, an unprivileged user, a health check on /readyz,
 * and a .dockerignore that keeps local state, secrets and build output out of the context.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { dockerInstructions, finalStage, mallocEnvironment } from '../support/dockerfile.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
const ignore = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

const instructions = dockerInstructions(dockerfile);

describe('Dockerfile', () => {
  it('builds on and runs from node:22-slim', () => {
    const bases = instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]);
    expect(bases).to.have.length.greaterThan(0);
    for (const base of bases) expect(base).to.equal('node:22-slim');
  });

  it('compiles, then reinstalls production dependencies only (npm ci --omit=dev after the build)', () => {
    const build = instructions.findIndex((l) => /npm run build/.test(l));
    const prune = instructions.findIndex((l) => /npm ci --omit=dev/.test(l));
    expect(build).to.be.at.least(0);
    expect(prune).to.be.at.least(build);
    const runtime = finalStage(instructions);
    expect(runtime.some((l) => /COPY --from=build \/app\/node_modules/.test(l))).to.equal(true);
    expect(runtime.some((l) => /COPY .*src/.test(l)), 'no TypeScript sources in the runtime image').to.equal(false);
  });

  it('copies what the app reads at run time: compiled code, card templates, runbooks', () => {
    for (const folder of ['dist', 'cards', 'runbooks']) expect(dockerfile).to.match(new RegExp(`COPY .*\\b${folder}\\b`));
    for (const folder of ['cards', 'runbooks']) expect(existsSync(path.join(REPO, folder)), folder).to.equal(true);
  });

  it('runs as an unprivileged user and starts the compiled entry point', () => {
    const user = instructions.filter((l) => l.startsWith('USER ')).pop();
    expect(user).to.match(/^USER (node|\d{4,})$/);
    expect(instructions.indexOf(user!)).to.be.lessThan(instructions.findIndex((l) => l.startsWith('CMD ')));
    expect(instructions.find((l) => l.startsWith('CMD '))).to.include('dist/index.js');
  });

  it('runs with glibc malloc settings that give memory back after a burst', () => {
    expect(mallocEnvironment()).to.deep.equal({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' });
  });

  it('checks health on /readyz', () => {
    const health = instructions.find((l) => l.startsWith('HEALTHCHECK '));
    expect(health).to.include('/readyz');
  });

  it('keeps dependencies, local data, build output and env files out of the build context', () => {
    expect(ignore).to.include.members(['node_modules', 'dist', 'data', '.git', 'test-artifacts', '.env']);
  });
});
