// bench:listing: what a page of GET /experiments costs the store, by filter, now that a listing
// merges several indexes (the five status indexes without a filter, the facets that fit a
// platform, mutexType or engine filter: src/jobs/keys.ts).
// Fills a throw-away prefix of REDIS_URL (default 127.0.0.1:6379) with BENCH_RECORDS (50000)
// queued simulations spread over every platform and mutex type (one platform in fifty is
// illumos, the rare case), then times ExperimentStore.list for a first page of 20 and for a walk
// of 1000 entries page by page, BENCH_CALLS (50) times each; reports the median and p90 in ms.
// Deletes its keys afterwards. Run: npm run bench:listing.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { MUTEX_TYPES, PLATFORMS, validateSpec, type Spec } from '../src/engine/spec.js';
import { ExperimentStore, type Filters } from '../src/jobs/store.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `{bench-listing-${randomBytes(4).toString('hex')}}`;
const store = new ExperimentStore(redis, prefix, 3600);

const COMMON_PLATFORMS = PLATFORMS.filter((p) => p !== 'illumos');

/** Every 50th record on illumos, the rest spread over the other platforms. */
function specOf(i: number): Spec {
  const platform = i % 50 === 0 ? 'illumos' : COMMON_PLATFORMS[i % COMMON_PLATFORMS.length]!;
  const v = validateSpec({ platform, mutexType: MUTEX_TYPES[Math.floor(i / 7) % MUTEX_TYPES.length], processCount: 2, key: '0x1234' }, () => i);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

async function fill(): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < RECORDS; i += 200) {
    const entries = Array.from({ length: Math.min(200, RECORDS - i) }, (_, k) => ({ id: `b${i + k}`, spec: specOf(i + k) }));
    await store.createMany(entries, 0);
  }
  console.log(`filled ${RECORDS} records in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function time(label: string, filters: Filters): Promise<void> {
  const first: number[] = [];
  const walk: number[] = [];
  let found = 0;
  for (let c = 0; c < CALLS; c++) {
    let t = performance.now();
    await store.list(20, undefined, filters);
    first.push(performance.now() - t);
    t = performance.now();
    let cursor: string | undefined;
    found = 0;
    do {
      const page = await store.list(100, cursor, filters);
      found += page.items.length;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined && found < 1000);
    walk.push(performance.now() - t);
  }
  const ms = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(2)} ms  p90 ${quantile(xs, 0.9).toFixed(2)} ms`;
  console.log(`${label.padEnd(34)} first page of 20: ${ms(first)}   1000 entries: ${ms(walk)} (${found} found)`);
}

try {
  await fill();
  await time('no filter (5 status indexes)', {});
  await time('status=queued (1 index)', { status: 'queued' });
  await time('platform=glibc-2.36 (4 facets)', { platform: 'glibc-2.36' });
  await time('platform=illumos (4 facets, rare)', { platform: 'illumos' });
  await time('mutexType=USYNC_THREAD (7 facets)', { mutexType: 'USYNC_THREAD' });
  await time('engine=sim (24 facets, or all 5 status)', { engine: 'sim' });
  await time('platform+mutexType (1 facet)', { platform: 'solaris10', mutexType: 'USYNC_PROCESS' });
  await time('status + rare platform', { status: 'queued', platform: 'illumos' });
} finally {
  for await (const doomed of redis.scanStream({ match: `${prefix}*`, count: 1000 })) if ((doomed as string[]).length) await redis.unlink(...(doomed as string[]));
  redis.disconnect();
}
