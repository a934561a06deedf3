/**
 * Summarises a V8 CPU profile (`npm run bench -- --profile` writes them to bench/results/profiles/,
 * `node --cpu-prof` anywhere else): where the time went by file, by function (self), and
 * including callees for functions whose location matches a pattern.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [location pattern, default "src/"] [rows, default 30]
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byFile: [string, number][];
  bySelf: [string, number][];
  inclusive: [string, number][];
}

export function summarizeProfile(profile: CpuProfile, pattern: RegExp, rows: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  // Built-ins ((garbage collector), (idle), writev …) have no URL: their name is their location.
  const location = (node: ProfileNode) => node.callFrame.url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/') || node.callFrame.functionName;
  const name = (node: ProfileNode) =>
    node.callFrame.url ? `${node.callFrame.functionName || '(anonymous)'} ${location(node)}:${node.callFrame.lineNumber + 1}` : node.callFrame.functionName;

  const byFile = new Map<string, number>();
  const bySelf = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    total += us;
    const node = nodes.get(id)!;
    add(byFile, location(node), us);
    add(bySelf, name(node), us);
    // Count each function once per sample, however deep its recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const key = name(nodes.get(at)!);
      if (!seen.has(key) && pattern.test(key)) add(inclusive, key, us);
      seen.add(key);
    }
  });
  const top = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([key, us]): [string, number] => [key, us / 1000]);
  return { totalMs: total / 1000, byFile: top(byFile), bySelf: top(bySelf), inclusive: top(inclusive) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const [file, pattern = 'src/', rows = '30'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [location pattern] [rows]\n');
    process.exit(2);
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, new RegExp(pattern), Number(rows));
  const print = (title: string, entries: [string, number][]) => {
    process.stdout.write(`\n${title}\n`);
    for (const [key, ms] of entries) process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%  ${key}\n`);
  };
  process.stdout.write(`${file}: ${summary.totalMs.toFixed(0)} ms sampled\n`);
  print('self time by file', summary.byFile);
  print('self time by function', summary.bySelf);
  print(`time including callees, functions matching /${pattern}/`, summary.inclusive);
}
