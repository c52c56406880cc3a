// Options of every command, parsed one way: node:util parseArgs in strict mode (an unknown
// option, a missing value or an unexpected argument is an error naming it), with --help and -h
// answered first, before anything is started or read. Usage errors exit 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export type Parsed<O extends Options> = { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] };

export class UsageError extends Error {}

/** True when --help or -h comes before any `--` (whatever else the line holds). */
export const asksForHelp = (argv: string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** parseArgs with our options plus --help; throws UsageError with the parser's message. */
export function parseCommand<O extends Options>(argv: string[], options: O, maxPositionals: number): Parsed<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: maxPositionals > 0 });
  } catch (err) {
    // node's messages name the option: "Unknown option '--bogus'", "Option '--seed <value>' argument missing"
    const lines = (err as Error).message.replace(/\. To specify[\s\S]*$/, '').split('\n').filter((l) => !l.startsWith('To specify'));
    throw new UsageError(lines.join(' ').replace(/\.$/, ''));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(maxPositionals === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return parsed as unknown as Parsed<O>;
}

/**
 * Runs a command's parser with the answers every command shares: --help prints `help` on stdout
 * (exit 0), a usage error prints the message and the help on stderr (exit 2).
 */
export function commandArgs<O extends Options>(name: string, argv: string[], help: string, options: O, maxPositionals = 0): Parsed<O> | number {
  if (asksForHelp(argv)) { process.stdout.write(help); return 0; }
  try { return parseCommand(argv, options, maxPositionals); } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`mutexlab ${name}: ${err.message}\n\n${help}`);
    return 2;
  }
}
