// Where the installation's files are, in one place. Compiled code runs from dist/ (dist/src/...,
// or the CLI bundle dist/src/cli.bundle.js, which moves modules to another depth), so no module
// may count '../' from its own location: everything is found from the installation root, the
// folder that holds dist/. Non-TS files (presets, the dashboard, the probe binary, openapi.json)
// are read from the checkout itself, since tsc copies nothing.
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function installationRoot(): string {
  const here = fileURLToPath(import.meta.url);
  const at = here.lastIndexOf(`${sep}dist${sep}`);
  // from dist/: everything before it; from the sources (src/runner/paths.ts): two levels up
  return at >= 0 ? here.slice(0, at) : resolve(dirname(here), '..', '..');
}

export const ROOT = installationRoot();

export const paths = {
  root: ROOT,
  /** Compiled sources (tsc's output of src/). */
  distSrc: join(ROOT, 'dist', 'src'),
  /** Spec files users run by name. */
  presets: join(ROOT, 'presets'),
  /** The dashboard's static files, served from the sources. */
  dashboard: join(ROOT, 'src', 'service', 'public'),
  /** The native probe binary (`make -C src/native`). */
  probe: join(ROOT, 'src', 'native', 'build', 'probe'),
  /** The same probe linked statically against musl (built when musl-gcc is installed). */
  probeMusl: join(ROOT, 'src', 'native', 'build', 'probe-musl'),
  /** The checked-in OpenAPI document. */
  openapi: join(ROOT, 'openapi', 'openapi.json'),
} as const;

/** A compiled module under dist/src as an import() URL, e.g. distModule('native/engine.js'). */
export const distModule = (relative: string): string => pathToFileURL(join(paths.distSrc, relative)).href;
