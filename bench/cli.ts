// npm run bench:cli
// Wall time of `bin/mutexlab run --preset solaris10-crash` (a fresh node process each run, its
// stdout read to the end) beside `node -e 0` measured in the same loop, so the figure can be
// read on a loaded machine as "CLI minus bare node start". Also how many modules the run loads
// (and how many of them are typebox's), counted by a module.register load hook.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/mutexlab', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 15);
const ARGS = ['run', '--preset', 'solaris10-crash'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function wall(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Modules the CLI run loads, via a load hook that prints each URL on stderr. */
function moduleCount(): { total: number; typebox: number } {
  const dir = mkdtempSync(join(tmpdir(), 'mutexlab-bench-cli-'));
  try {
    writeFileSync(join(dir, 'hook.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, ctx, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, ctx); }\n");
    writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hook.mjs', import.meta.url);\n");
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, ...ARGS], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const urls = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ') && !l.includes('mutexlab-bench-cli-'));
    return { total: urls.length, typebox: urls.filter((u) => u.includes('/node_modules/typebox/')).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cli: number[] = [], bare: number[] = [];
wall([CLI, ...ARGS]); // warm the file cache once
for (let i = 0; i < RUNS; i++) { // interleaved, so load swings hit both series alike
  cli.push(wall([CLI, ...ARGS]));
  bare.push(wall(['-e', '0']));
}
const mods = moduleCount();
const c = median(cli), b = median(bare);
console.log(`mutexlab run --preset solaris10-crash, ${RUNS} runs each, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`  CLI median wall      ${c.toFixed(0)} ms (min ${Math.min(...cli).toFixed(0)})`);
console.log(`  node -e 0 median     ${b.toFixed(0)} ms (min ${Math.min(...bare).toFixed(0)})`);
console.log(`  CLI minus bare node  ${(c - b).toFixed(0)} ms; ratio ${(c / b).toFixed(2)}x`);
console.log(`  modules loaded       ${mods.total} (typebox ${mods.typebox})`);
