// GET /metrics against the real Redis with a real worker: the text parses as Prometheus
// exposition format, every metric is mutexlab_*, and the counters move when experiments finish,
// as seen from a second API instance (the counts live in Redis, not in a process).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SLOW_ASYNC } from '../worker/fixtures/misbehaving-runner.js';
import { build, finished, poll, post, testConfig, worker } from './helpers.js';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** A strict reader of the text format: HELP/TYPE before samples, label syntax, numeric values. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        assert.match(meta[3]!, /^(counter|gauge|histogram|summary|untyped)$/);
        assert.ok(!types.has(meta[2]!), `one TYPE for ${meta[2]}`);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const pair of m[3].match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
        const eq = pair.indexOf('=');
        labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
      }
    }
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]!) || types.get(family) === 'histogram', `${m[1]} has a TYPE before its samples`);
    samples.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return { types, samples };
}

const value = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);

test('/metrics parses as Prometheus text, names everything mutexlab_*, and its counters move when experiments finish', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const other = await build(t, config); // a second API instance on the same Redis
  const before = parsePrometheus((await app.inject({ url: '/metrics' })).body);
  for (const name of before.types.keys()) assert.match(name, /^mutexlab_/);
  for (const name of ['mutexlab_experiments_total', 'mutexlab_experiments', 'mutexlab_queue_depth', 'mutexlab_workers_busy', 'mutexlab_experiment_duration_seconds']) {
    assert.ok(before.types.has(name), `${name} is exposed`);
  }
  // the answering process's own figures (prom-client's default metrics)
  assert.ok(value(before.samples, 'mutexlab_process_cpu_seconds_total') > 0, 'process CPU time');
  assert.ok(value(before.samples, 'mutexlab_process_resident_memory_bytes') > 0, 'resident memory');
  assert.ok(before.types.has('mutexlab_nodejs_eventloop_lag_seconds'), 'event-loop lag');
  assert.ok(before.types.has('mutexlab_nodejs_heap_size_used_bytes'), 'heap used');
  assert.equal(value(before.samples, 'mutexlab_experiments_total'), 0);

  const ids = [] as string[];
  for (let i = 0; i < 3; i++) ids.push((await post(app, { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', seed: SLOW_ASYNC, iterations: 30 })).json().id);
  const queued = parsePrometheus((await app.inject({ url: '/metrics' })).body);
  assert.equal(value(queued.samples, 'mutexlab_queue_depth'), 3, 'three wait for a worker');
  assert.equal(value(queued.samples, 'mutexlab_experiments', { status: 'queued' }), 3);
  assert.equal(value(queued.samples, 'mutexlab_experiments_submitted_total') - value(before.samples, 'mutexlab_experiments_submitted_total'), 3);

  await worker(t, config);
  for (const id of ids) await poll(app, id, finished);
  const res = await other.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const afterRun = parsePrometheus(res.body);
  assert.equal(value(afterRun.samples, 'mutexlab_experiments_total', { status: 'completed', outcome: 'ok', platform: 'solaris10', engine: 'sim' }), 3);
  assert.equal(value(afterRun.samples, 'mutexlab_experiment_duration_seconds_count', { engine: 'sim' }), 3);
  const buckets = afterRun.samples.filter((s) => s.name === 'mutexlab_experiment_duration_seconds_bucket' && s.labels.engine === 'sim');
  assert.deepEqual(buckets.map((b) => b.value), [...buckets.map((b) => b.value)].sort((a, b) => a - b), 'buckets are cumulative');
  assert.equal(buckets.at(-1)!.labels.le, '+Inf');
  assert.equal(buckets.at(-1)!.value, 3);
  assert.ok(value(afterRun.samples, 'mutexlab_experiment_duration_seconds_sum', { engine: 'sim' }) >= 3 * 0.03, 'each ran about 30 ms');
  assert.equal(value(afterRun.samples, 'mutexlab_queue_depth'), 0);
  assert.equal(value(afterRun.samples, 'mutexlab_experiments', { status: 'completed' }), 3);
  assert.ok(value(afterRun.samples, 'mutexlab_workers') >= 1);

  // the Grafana dashboard in the repo charts only metrics that exist
  const grafana = JSON.parse(readFileSync(new URL('../../../ops/grafana-dashboard.json', import.meta.url), 'utf8'));
  const used = new Set<string>(grafana.panels.flatMap((p: any) => p.targets.flatMap((x: any) => x.expr.match(/mutexlab_[a-z_]+/g) ?? [])));
  assert.ok(used.size >= 6);
  for (const name of used) assert.ok(afterRun.types.has(name.replace(/_bucket$/, '')), `the dashboard's ${name} is exposed`);
});
