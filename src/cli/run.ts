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

class UsageError extends Error {}

function parseArgs(args: string[]): RunArgs | 'help' {
  const out: RunArgs = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (flag: string): string => {
      const v = args[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--preset') out.preset = value('--preset');
    else if (a === '--trace') out.trace = value('--trace');
    else if (a === '--format') {
      const f = value('--format');
      if (!isOutputFormat(f)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${f}")`);
      out.format = f;
    }
    else if (a === '--seed') {
      const v = value('--seed');
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got "${v}")`);
      out.seed = n;
    } else if (a.startsWith('--') && a.length > 2) throw new UsageError(`unknown option ${a}`);
    else if (out.source !== undefined) throw new UsageError(`one spec only (got "${out.source}" and "${a}")`);
    else out.source = a;
  }
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
  let args: RunArgs | 'help';
  let input: unknown;
  try {
    args = parseArgs(argv);
    if (args === 'help') { process.stdout.write(RUN_HELP); return 0; }
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
