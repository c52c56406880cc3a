// Byte-level helpers for replay tokens, written here because src/engine may not use node:
// modules: a growable byte writer and its reader (unsigned LEB128 varints, short strings),
// base64url without padding, CRC-32 (IEEE 802.3, the zlib polynomial) and 64-bit FNV-1a.

export class ByteWriter {
  private buf = new Uint8Array(64);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) { const n = new Uint8Array(this.buf.length * 2); n.set(this.buf); this.buf = n; }
    this.buf[this.length++] = b & 0xff;
  }

  /** Unsigned integer up to 2^53, 7 bits per byte, low bits first. */
  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n} is not a non-negative safe integer`);
    while (n >= 0x80) { this.byte((n % 0x80) | 0x80); n = Math.floor(n / 0x80); }
    this.byte(n);
  }

  bytes(b: Uint8Array): void { for (const x of b) this.byte(x); }

  string(s: string): void { const b = new TextEncoder().encode(s); this.varint(b.length); this.bytes(b); }

  u32(n: number): void { for (let i = 0; i < 4; i++) this.byte(n >>> (8 * i)); }

  done(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** Thrown by ByteReader when the bytes end early or hold an impossible value. */
export class MalformedBytes extends Error {}

export class ByteReader {
  offset = 0;
  constructor(private readonly buf: Uint8Array) {}

  byte(): number {
    if (this.offset >= this.buf.length) throw new MalformedBytes('ends too early');
    return this.buf[this.offset++]!;
  }

  varint(): number {
    let n = 0, scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (!(b & 0x80)) break;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new MalformedBytes('varint too long');
    }
    return n;
  }

  bytes(n: number): Uint8Array {
    if (this.offset + n > this.buf.length) throw new MalformedBytes('ends too early');
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  string(): string {
    const n = this.varint();
    if (n > 4096) throw new MalformedBytes('string too long');
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(n));
  }

  u32(): number { let n = 0; for (let i = 0; i < 4; i++) n += this.byte() * 2 ** (8 * i); return n; }

  get remaining(): number { return this.buf.length - this.offset; }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function toBase64Url(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const chars = i + 2 < b.length ? 4 : i + 1 < b.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += B64[(n >>> (18 - 6 * k)) & 63];
  }
  return out;
}

/** null when the text holds a character outside base64url or has an impossible length. */
export function fromBase64Url(s: string): Uint8Array | null {
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    const chars = Math.min(4, s.length - i);
    for (let k = 0; k < 4; k++) {
      const c = k < chars ? s.charCodeAt(i + k) : 65;
      const v = c < 128 ? B64_INDEX[c]! : -1;
      if (v < 0) return null;
      n = (n << 6) | (k < chars ? v : 0);
    }
    out[o++] = (n >>> 16) & 0xff;
    if (chars > 2) out[o++] = (n >>> 8) & 0xff;
    if (chars > 3) out[o++] = n & 0xff;
  }
  return out;
}

const CRC_TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[i] = c >>> 0;
}

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const FNV_OFFSET = 0xcbf29ce484222325n, FNV_PRIME = 0x100000001b3n, MASK64 = (1n << 64n) - 1n;

/** 64-bit FNV-1a of the UTF-8 bytes of `s`, as 16 lower-case hex digits. */
export function fnv1a64(s: string): string {
  let h = FNV_OFFSET;
  for (const b of new TextEncoder().encode(s)) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h.toString(16).padStart(16, '0');
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
