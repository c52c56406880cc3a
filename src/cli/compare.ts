// `mutexlab compare SPEC.json [--repeat N] [--seed N] [--format text|json]`: the spec run natively
// N times and on the simulator's model of the host libc N times (seeds seed..seed+N-1), side by
// side (src/runner/compare-run.ts). text: a table of the outcome classes and the verdict; json:
// the whole result (`comparison`, `distribution`). Exit 0 when it ran (agree or not), 2 for bad
// usage or an invalid spec, 1 internal error.
import { readFileSync } from 'node:fs';
import type { Comparison } from '../engine/distribution.js';
import { validateSpec } from '../engine/spec.js';
import { applyPreset } from '../runner/presets.js';
import { runExperiment } from '../runner/run.js';
import { chooseSeed } from '../runner/seed.js';
import { commandArgs } from './args.js';

export const COMPARE_HELP = `usage: mutexlab compare SPEC.json [--repeat N] [--seed N] [--format text|json]

Runs the spec natively N times (engine "native" is implied) and on the simulator's model of the
host libc N times (seeds seed, seed+1, ...), and prints the two distributions side by side:
for every outcome class, how often the native runs observed it and the model produced it;
"agree" when every class observed natively is produced by the model.
  SPEC.json       a spec file ("-" reads stdin); {"preset": NAME, ...} works too
  --repeat N      runs on each side (default and maximum: GET /limits, "repeat")
  --seed N        the model's first seed
  --format F      text (default): the table; json: the whole result
  --help          this text

Exit codes: 0 it ran (whatever the comparison says), 2 invalid spec or usage, 1 internal error.
`;

const OPTIONS = { repeat: { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' } } as const;

function fail(message: string): number {
  process.stderr.write(`mutexlab compare: ${message}\n`);
  return 2;
}

/** The comparison as a table: class, native count and bar, model count and bar. */
export function comparisonTable(c: Comparison): string {
  const bar = (n: number, of: number) => '#'.repeat(of > 0 ? Math.round((20 * n) / of) : 0).padEnd(20);
  const rows = c.classes.map((k) => `  ${k.outcome.padEnd(27)} ${String(k.native).padStart(5)} ${bar(k.native, c.native.runs)}  ${String(k.model).padStart(5)} ${bar(k.model, c.model.runs)}${k.observedNatively && !k.allowedByModel ? '  <- not produced by the model' : ''}`);
  return [
    `native: ${c.native.libc.name} ${c.native.libc.version} on this host, ${c.native.runs} runs`,
    `model:  ${c.model.platform ?? 'none'} (${c.model.reason}), ${c.model.runs} runs`,
    '',
    `  ${'outcome'.padEnd(27)} ${'native'.padStart(5)} ${''.padEnd(20)}  ${'model'.padStart(5)}`,
    ...rows,
    '',
    c.summary,
    '',
  ].join('\n');
}

export async function compareCommand(argv: string[]): Promise<number> {
  const parsed = commandArgs('compare', argv, COMPARE_HELP, OPTIONS, 1);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const source = positionals[0];
  if (source === undefined) return fail(`no spec: give SPEC.json or - (stdin)\n\n${COMPARE_HELP}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') return fail(`--format must be text or json (got "${format}")`);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(source === '-' ? 0 : source, 'utf8'));
  } catch (err) {
    return fail(`cannot read ${source === '-' ? 'stdin' : source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('invalid spec: (body): must be a JSON object');
  let body = input as Record<string, unknown>;
  if ('preset' in body) {
    const spec = applyPreset(body);
    if (!spec) return fail(`invalid spec: preset: unknown preset "${String(body.preset)}"`);
    body = spec as Record<string, unknown>;
  }
  // the native side's spec: presets carry sim-only fields (platform) that native refuses
  const { platform: _platform, ...rest } = body;
  const spec: Record<string, unknown> = { ...rest, engine: 'native', compare: true };
  for (const name of ['repeat', 'seed'] as const) {
    const v = values[name];
    if (v === undefined) continue;
    if (!/^\d+$/.test(v)) return fail(`--${name} must be a whole number (got "${v}")`);
    spec[name] = Number(v);
  }
  const v = validateSpec(spec, chooseSeed);
  if (!v.ok) return fail(`invalid spec:\n${v.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  const out = await runExperiment(v.spec, { trace: false });
  if (format === 'json') process.stdout.write(`${JSON.stringify(out.result, null, 2)}\n`);
  else process.stdout.write(comparisonTable(out.result.comparison!));
  return 0;
}
