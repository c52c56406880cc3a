// The README's "Configuration" table, written from the schema (env.ts): `npm run docs:config`
// rewrites it in place, and test/jobs/env-table.test.ts fails when the README and the schema
// differ, so a variable cannot be added, bounded or defaulted without its line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths } from '../runner/paths.js';
import { EnvSchema } from './env.js';

export const README_FILE = join(paths.root, 'README.md');
const START = '<!-- configuration table: written by `npm run docs:config` from src/jobs/env.ts -->';
const END = '<!-- end of configuration table -->';

/** The table as markdown, one row per variable in the schema's order. */
export function configTable(): string {
  const rows = Object.entries(EnvSchema.properties).map(([name, schema]) => {
    const { default: value, description } = schema as { default?: unknown; description?: string };
    return `| \`${name}\` | ${value === undefined ? '(none)' : String(value)} | ${description ?? ''} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The README with its table (between the markers) replaced by `table`. */
export function withTable(readme: string, table = configTable()): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${START} ... ${END}`);
  return `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README_FILE, withTable(readFileSync(README_FILE, 'utf8')));
  process.stdout.write(`wrote the configuration table of ${README_FILE}\n`);
}
