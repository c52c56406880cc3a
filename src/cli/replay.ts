// `mutexlab replay TOKEN [--spec FILE | --preset NAME] [--trace FILE]`: re-run the schedule a
// token recorded (an exploration's first failure or shrunk counterexample) and print the
// result JSON; --trace writes the run's trace as NDJSON, byte for byte the one the exploration
// gave. A token from another engine version, a damaged token, or one recorded for a different
// spec than --spec/--preset is refused with exit code 2 and the reason.
import { readFileSync } from 'node:fs';
import { validateSpec, type Spec } from '../engine/spec.js';
import { applyPreset } from '../runner/presets.js';
import { replayToken } from '../runner/explore-run.js';
import { commandArgs } from './args.js';
import { writeTrace } from './trace-file.js';

export const REPLAY_HELP = `usage: mutexlab replay TOKEN [--spec FILE | --preset NAME] [--trace FILE]

Replays the schedule a token recorded and prints the result (JSON) on stdout.
  TOKEN           a replay token (mlx1.…) from an exploration's result
  --spec FILE     refuse the token unless it was recorded for this spec
  --preset NAME   the same, with a spec from presets/
  --trace FILE    writes the run's trace as NDJSON, one event per line
  --help          this text

Exit codes: 0 replayed, 2 bad usage or a refused token (the reason is printed), 1 internal error.
`;

const fail = (message: string): number => { process.stderr.write(`mutexlab replay: ${message}\n`); return 2; };

function loadSpec(file: string | undefined, preset: string | undefined): Spec | string {
  let input: unknown;
  if (preset !== undefined) {
    input = applyPreset({ preset });
    if (!input) return `--preset: unknown preset "${preset}"`;
  } else {
    try { input = JSON.parse(readFileSync(file!, 'utf8')); } catch (err) { return `--spec: cannot read ${file}: ${(err as Error).message}`; }
    if (typeof input === 'object' && input !== null && 'preset' in input) input = applyPreset(input as Record<string, unknown>) ?? input;
  }
  const v = validateSpec(input, () => 0);
  return v.ok ? v.spec : `--spec: invalid spec: ${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const parsed = commandArgs('replay', argv, REPLAY_HELP, { spec: { type: 'string' }, preset: { type: 'string' }, trace: { type: 'string' } }, 1);
  if (typeof parsed === 'number') return parsed;
  const { spec: specFile, preset, trace: traceFile } = parsed.values;
  const token = parsed.positionals[0];
  for (const [flag, v] of [['--spec', specFile], ['--preset', preset], ['--trace', traceFile]] as const) if (v === '') return fail(`${flag} needs a value`);
  if (token === undefined) return fail(`no token\n\n${REPLAY_HELP}`);
  if (specFile !== undefined && preset !== undefined) return fail('give --spec or --preset, not both');
  let spec: Spec | undefined;
  if (specFile !== undefined || preset !== undefined) {
    const s = loadSpec(specFile, preset);
    if (typeof s === 'string') return fail(s);
    spec = s;
  }
  const out = replayToken(token, spec ? { spec } : {});
  if (!out.ok) return fail(out.reason);
  if (traceFile !== undefined) {
    try { writeTrace(traceFile, out.trace); } catch (err) { return fail(`--trace: cannot write ${traceFile}: ${(err as Error).message}`); }
  }
  process.stdout.write(JSON.stringify(out.result, null, 2) + '\n');
  return 0;
}
