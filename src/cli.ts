// bin/mutexlab: one command table; each command lives in src/cli/<name>.ts and is loaded only
// when used (so `run` never loads the service packages). Add a command with one line here.
// Every command answers --help (and -h) before it starts anything, and refuses an unknown
// option with exit 2 naming it (src/cli/args.ts).
import { readFileSync } from 'node:fs';
import { ENGINE_VERSION } from './engine/explore/engine-version.js';

type Command = { summary: string; run: (args: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  run: { summary: 'run one experiment and print its result JSON', run: async (a) => (await import('./cli/run.js')).runCommand(a) },
  compare: { summary: 'run a spec natively and on the model of the host libc, N times each, side by side', run: async (a) => (await import('./cli/compare.js')).compareCommand(a) },
  replay: { summary: 'replay the schedule of a token (from an exploration) and print its result JSON', run: async (a) => (await import('./cli/replay.js')).replayCommand(a) },
  api: { summary: 'serve the HTTP API (needs Redis)', run: async (a) => (await import('./cli/api.js')).apiCommand(a) },
  worker: { summary: 'run a worker that executes queued experiments (needs Redis)', run: async (a) => (await import('./cli/worker.js')).workerCommand(a) },
  start: { summary: 'the API and one worker in one process (npm start)', run: async (a) => (await import('./cli/start.js')).startCommand(a) },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return ['usage: mutexlab <command> [options]', '       mutexlab --help | --version', '', 'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '', 'mutexlab <command> --help shows the options of a command.', ''].join('\n');
}

/** "mutexlab 0.1.0 (engine sim-1)": the package's version (dist/src/ -> package.json) and the simulator's. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `mutexlab ${pkg.version} (engine ${ENGINE_VERSION})\n`;
}

/** Runs the CLI; returns the exit code (0 ran, 2 usage or invalid spec, 1 internal error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') { process.stdout.write(usage()); return 0; }
  if (name === '--version' || name === '-V') { process.stdout.write(version()); return 0; }
  if (name === undefined) { process.stderr.write(`mutexlab: no command\n\n${usage()}`); return 2; }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(name.startsWith('-') ? `mutexlab: unknown option ${name}\n\n${usage()}` : `mutexlab: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`mutexlab ${name}: internal error: ${e.message}\n`);
    if (process.env.MUTEXLAB_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
