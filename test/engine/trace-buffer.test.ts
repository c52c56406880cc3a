// The trace buffer keeps value and old in 32-bit columns, with a side table for every other
// number (machine/trace-buffer.ts, VALUE_WIDE): what the models trace today all fits 32 bits, so
// the side table is not exercised by the runs the fingerprint covers. Here every kind of number
// goes in and must come out as it went in (Object.is: -0 stays -0), as hex when it is an address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OP, TraceBuffer } from '../../src/engine/machine/trace-buffer.js';
import { hex } from '../../src/engine/machine/memory.js';

const threads = [{ pid: 100, tid: 1 }];

test('trace rows give back every value and old exactly: 32-bit, wide, negative, fractional, -0, absent', () => {
  const values = [0, 1, 255, 0xffffffff, 0x100000000, 2 ** 53 - 1, -1, -0, 0.5, -2.25, NaN];
  const tr = new TraceBuffer();
  const rows: { value: number; old: number; hex: boolean }[] = [];
  for (const value of values) {
    for (const old of values) {
      for (const hex of [false, true]) {
        if (hex && (value < 0 || !Number.isInteger(value) || Object.is(value, -0))) continue; // addresses are non-negative integers
        tr.push(OP.write, 0, 1, rows.length, 0x1000, value, old, 0, 0, hex);
        rows.push({ value, old, hex });
      }
    }
  }
  const trace = tr.toTrace(threads);
  assert.equal(trace.length, rows.length);
  rows.forEach((r, i) => {
    const e = trace.at(i);
    const shown = (x: number) => (r.hex ? hex(x) : x);
    if (Number.isNaN(r.value)) assert.equal('value' in e, false, `row ${i}: no value`);
    else assert.ok(Object.is(e.value, shown(r.value)), `row ${i}: value ${String(e.value)} for ${r.value}`);
    if (Number.isNaN(r.old)) assert.equal('old' in e, false, `row ${i}: no old`);
    else assert.ok(Object.is(e.old, r.hex && !Number.isNaN(r.value) ? shown(r.old) : r.old), `row ${i}: old ${String(e.old)} for ${r.old}`);
  });
});

test('rows across chunk growth and the cap keep their values; past the cap the trace says truncated', () => {
  const tr = new TraceBuffer(70_000);
  for (let i = 0; i < 70_010; i++) tr.push(OP.read, 0, 0, i, 0x2000, i % 3 === 0 ? 2 ** 40 + i : i, i % 2 === 0 ? NaN : i - 1, 0, 0);
  assert.equal(tr.length, 70_000);
  assert.equal(tr.truncated, true);
  const trace = tr.toTrace(threads);
  for (const i of [0, 1, 255, 256, 257, 65_535, 65_536, 65_537, 69_999]) {
    const e = trace.at(i);
    assert.equal(e.t, i);
    assert.equal(e.value, i % 3 === 0 ? 2 ** 40 + i : i);
    assert.equal(e.old, i % 2 === 0 ? undefined : i - 1);
  }
});
