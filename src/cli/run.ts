// `mutexlab run [SPEC.json | - | --preset NAME] [--seed N] [--trace FILE]`: validate the spec,
// run it, print the result JSON on stdout; --trace writes every trace event as NDJSON.
// Exit 0 whenever the experiment ran (whatever its verdict), 2 for bad usage or an invalid
// spec (each message names the field), 1 for an internal error (thrown to src/cli.ts).
import { readFileSync } from 'node:fs';
import { validateSpec, type SpecInput } from '../engine/spec.js';
import { UnsupportedSpecError } from '../engine/sim.js';
import { applyPreset, listPresets } from '../runner/presets.js';
import { runExperiment } from '../runner/run.js';
import { chooseSeed } from '../runner/seed.js';
import { FORMAT_HELP, formatNeedsTrace, isOutputFormat, OUTPUT_FORMATS, writeOutput, type OutputFormat } from './format.js';
import { writeTrace } from './trace-file.js';
import { asksForHelp, parseCommand, UsageError } from './args.js';

export const RUN_HELP = `usage: mutexlab run [SPEC.json | - | --preset NAME] [--seed N] [--trace FILE] [--format F]

Runs one experiment and prints its result (JSON) on stdout.
  SPEC.json       a spec file; "-" reads the spec from stdin
  --preset NAME   a spec from presets/ (a spec file may also say {"preset": NAME, ...overrides})
  --seed N        overrides the spec's seed (0..4294967295)
  --trace FILE    writes the full trace as NDJSON, one event per line
${FORMAT_HELP}  --help          this text

Exit codes: 0 the experiment ran (whatever its verdict), 2 invalid spec or usage, 1 internal error.
`;

interface RunArgs { source?: string; preset?: string; seed?: number; trace?: string; format?: OutputFormat }

const RUN_OPTIONS = { preset: { type: 'string' }, seed: { type: 'string' }, trace: { type: 'string' }, format: { type: 'string' } } as const;

function runArgs(argv: string[]): RunArgs {
  const { values, positionals } = parseCommand(argv, RUN_OPTIONS, 1);
  const out: RunArgs = { source: positionals[0], preset: values.preset, trace: values.trace };
  if (values.format !== undefined) {
    if (!isOutputFormat(values.format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${values.format}")`);
    out.format = values.format;
  }
  if (values.seed !== undefined) {
    const n = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got "${values.seed}")`);
    out.seed = n;
  }
  for (const flag of ['preset', 'trace'] as const) if (out[flag] === '') throw new UsageError(`--${flag} needs a value`);
  if (out.source !== undefined && out.preset !== undefined) throw new UsageError('give a spec file or --preset, not both');
  if (out.source === undefined && out.preset === undefined) throw new UsageError('no spec: give SPEC.json, - (stdin) or --preset NAME');
  return out;
}

function readInput(args: RunArgs): unknown {
  if (args.preset !== undefined) return { preset: args.preset };
  const from = args.source === '-' ? 'stdin' : args.source!;
  let text: string;
  try {
    text = readFileSync(args.source === '-' ? 0 : args.source!, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${from}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${from} is not valid JSON: ${(err as Error).message}`);
  }
}

function fail(message: string): number {
  process.stderr.write(`mutexlab run: ${message}\n`);
  return 2;
}

export async function runCommand(argv: string[]): Promise<number> {
  let args: RunArgs;
  let input: unknown;
  if (asksForHelp(argv)) { process.stdout.write(RUN_HELP); return 0; }
  try {
    args = runArgs(argv);
    input = readInput(args);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message}\n\n${RUN_HELP}`);
    throw err;
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'preset' in input) {
    const body = input as Record<string, unknown>;
    const spec = applyPreset(body);
    if (!spec) return fail(`invalid spec: preset: unknown preset "${String(body.preset)}" (known: ${listPresets().map((p) => p.name).join(', ')})`);
    input = spec;
  }
  if (args.seed !== undefined && typeof input === 'object' && input !== null && !Array.isArray(input)) input = { ...(input as SpecInput), seed: args.seed };
  const v = validateSpec(input, chooseSeed);
  if (!v.ok) return fail(`invalid spec:\n${v.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  let out;
  try {
    out = await runExperiment(v.spec, { trace: args.trace !== undefined || formatNeedsTrace(args.format) });
  } catch (err) {
    if (err instanceof UnsupportedSpecError) return fail(`invalid spec: ${err.field}: ${err.message}`);
    throw err;
  }
  if (args.trace !== undefined) {
    try {
      writeTrace(args.trace, out.trace);
    } catch (err) {
      return fail(`--trace: cannot write ${args.trace}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  writeOutput(args.format ?? 'json', out.result, out.trace);
  return 0;
}
