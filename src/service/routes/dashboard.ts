// The dashboard at `/`: static files (HTML, CSS, plain browser JavaScript modules) from
// src/service/public, served by the API itself; no build step and no separate server. They are
// public (no API key needed to load the page; the page asks for one when the API wants it).
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { join } from 'node:path';
import { paths } from '../../runner/paths.js';
import { Problem } from '../errors.js';

// a Map, not an object literal: `/dashboard/__proto__` or `constructor` must find nothing
const FILES = new Map<string, string>([
  ['index.html', 'text/html; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
  // the page's ES modules, one job each (app.js imports the others)
  ...['app', 'api', 'dom', 'list', 'detail', 'compare', 'verdict', 'exploration', 'evidence', 'progress', 'fix', 'distribution']
    .map((name): [string, string] => [`${name}.js`, 'text/javascript; charset=utf-8']),
]);

const dashboard: FastifyPluginAsync = async (app) => {
  const cache = new Map<string, Buffer>();
  const serve = async (name: string) => {
    let body = cache.get(name);
    if (!body) {
      body = await readFile(join(paths.dashboard, name));
      // development: edits show on reload; production: read once
      if (process.env.NODE_ENV === 'production') cache.set(name, body);
    }
    return body;
  };
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(FILES.get('index.html')!).header('cache-control', 'no-cache').send(await serve('index.html')));
  app.get('/dashboard/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const type = FILES.get(file);
    if (!type || file === 'index.html') throw new Problem('not_found', `no dashboard file ${file}`);
    return reply.type(type).header('cache-control', 'no-cache').send(await serve(file));
  });
};

export default dashboard;
