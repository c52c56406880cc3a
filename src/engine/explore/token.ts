// Replay tokens: a schedule a user can paste back. `mlx1.` + base64url of
//   format version | engine version | spec hash (8 bytes) | strategy | seed | schedule index |
//   spec (spec-codec.ts) | decision points | deviations (delta-coded) | CRC-32 of all before it.
// Self-describing: decodeToken returns every field, so a token can be read without running it.
// Refusals are values with a reason a person can act on, never a stack trace.
import { validateSpec, type Spec } from '../spec.js';
import type { Schedule } from '../schedulers/replay.js';
import { ByteReader, ByteWriter, MalformedBytes, crc32, fromBase64Url, toBase64Url } from './codec.js';
import { ENGINE_VERSION } from './engine-version.js';
import { readSpec, specHash, writeSpec } from './spec-codec.js';

export const TOKEN_PREFIX = 'mlx1.';
const FORMAT = 1;

/** How the recorded schedule was found. */
export const TOKEN_STRATEGIES = ['run', 'random', 'pct', 'dfs', 'shrunk'] as const;
export type TokenStrategy = (typeof TOKEN_STRATEGIES)[number];

export interface ReplayToken {
  engineVersion: string;
  specHash: string;
  strategy: TokenStrategy;
  /** The seed of the recorded run (spec.seed for the run it replays). */
  seed: number;
  /** Index of the schedule in its exploration (0 for a single run or a shrunk schedule). */
  scheduleIndex: number;
  /** The normalised spec, without `explore`, with `seed`. */
  spec: Spec;
  schedule: Schedule;
}

export type TokenDecode = { ok: true; token: ReplayToken } | { ok: false; reason: string };

export function encodeToken(t: Omit<ReplayToken, 'specHash' | 'engineVersion'> & { engineVersion?: string }): string {
  const w = new ByteWriter();
  w.byte(FORMAT);
  w.string(t.engineVersion ?? ENGINE_VERSION);
  const hash = specHash(t.spec);
  for (let i = 0; i < 16; i += 2) w.byte(parseInt(hash.slice(i, i + 2), 16));
  w.byte(TOKEN_STRATEGIES.indexOf(t.strategy));
  w.varint(t.seed);
  w.varint(t.scheduleIndex);
  writeSpec(w, t.spec);
  const devs = t.schedule.deviations;
  w.varint(t.schedule.decisions);
  w.varint(devs.length / 2);
  let prev = 0;
  for (let i = 0; i < devs.length; i += 2) { w.varint(devs[i]! - prev); w.varint(devs[i + 1]!); prev = devs[i]!; }
  const body = w.done();
  w.u32(crc32(body));
  return TOKEN_PREFIX + toBase64Url(w.done());
}

/** Decode and check a token. `expect.engineVersion` defaults to this engine's. */
export function decodeToken(text: string, expect: { engineVersion?: string } = {}): TokenDecode {
  const s = text.trim();
  if (!s.startsWith(TOKEN_PREFIX)) return { ok: false, reason: `is not a mutexlab replay token (tokens start with "${TOKEN_PREFIX}")` };
  const bytes = fromBase64Url(s.slice(TOKEN_PREFIX.length));
  if (!bytes || bytes.length < 5) return { ok: false, reason: 'is damaged: it is not valid base64url (was it cut when copied?)' };
  const body = bytes.subarray(0, bytes.length - 4);
  const r = new ByteReader(bytes.subarray(bytes.length - 4));
  if (crc32(body) !== r.u32()) return { ok: false, reason: 'is damaged: its checksum does not match (was it cut or changed when copied?)' };
  try {
    const rd = new ByteReader(body);
    const format = rd.byte();
    if (format !== FORMAT) return { ok: false, reason: `has token format ${format}; this mutexlab reads format ${FORMAT}` };
    const engineVersion = rd.string();
    const wanted = expect.engineVersion ?? ENGINE_VERSION;
    if (engineVersion !== wanted) return { ok: false, reason: `was recorded by engine version ${engineVersion}; this is engine version ${wanted}, whose schedules differ: re-run the exploration to get a new token` };
    let hash = '';
    for (let i = 0; i < 8; i++) hash += rd.byte().toString(16).padStart(2, '0');
    const strategy = TOKEN_STRATEGIES[rd.byte()];
    if (!strategy) throw new MalformedBytes('unknown strategy');
    const seed = rd.varint();
    if (seed > 0xffffffff) throw new MalformedBytes('seed out of range');
    const scheduleIndex = rd.varint();
    const input = readSpec(rd, seed);
    const decisions = rd.varint();
    const count = rd.varint();
    if (count * 2 > rd.remaining) throw new MalformedBytes('too many deviations');
    const deviations: number[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) { at += rd.varint(); deviations.push(at, rd.varint()); }
    if (rd.remaining !== 0) throw new MalformedBytes('trailing bytes');
    const v = validateSpec(input, () => seed);
    if (!v.ok) return { ok: false, reason: `holds an invalid spec (${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` };
    if (specHash(v.spec) !== hash) return { ok: false, reason: `holds a spec whose hash ${specHash(v.spec)} differs from the recorded ${hash}` };
    return { ok: true, token: { engineVersion, specHash: hash, strategy, seed, scheduleIndex, spec: v.spec, schedule: { decisions, deviations } } };
  } catch (err) {
    if (err instanceof MalformedBytes) return { ok: false, reason: `is malformed (${err.message})` };
    throw err;
  }
}

/** Refuse a token recorded for another spec than the one the caller holds. */
export function checkTokenSpec(token: ReplayToken, spec: Spec): string | null {
  const h = specHash(spec);
  return h === token.specHash ? null : `was recorded for a different spec (hash ${token.specHash}); the spec given hashes to ${h}`;
}
