import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tensor, arange, randn, tensor } from '../../src/index.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';

/** Builds a file from a raw header object and data bytes, to exercise the validator. */
function rawFile(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors', () => {
  test('round trip keeps names, shapes, dtypes, values and metadata', () => {
    const tensors = new Map<string, Tensor>([
      ['transformer.wte.weight', randn([5, 3])],
      ['ids', arange(4).reshape(2, 2)],
      ['scalar', tensor(2.5, { dtype: 'float64' })],
      ['view', randn([4, 3]).T],
    ]);
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0, 'data section is 8-byte aligned');
    const { tensors: back, metadata } = parseSafetensors(bytes);
    assert.deepEqual(metadata, { format: 'pt' });
    for (const [name, t] of tensors) {
      const loaded = back.get(name)!;
      assert.equal(loaded.dtype, t.dtype, name);
      assert.deepEqual(loaded.shape, t.shape, name);
      assert.deepEqual(loaded.toFlatArray(), t.toFlatArray(), name);
    }
  });

  test('reads F16, BF16 and I64 by widening', () => {
    const header = {
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
      l: { dtype: 'I64', shape: [1], data_offsets: [6, 14] },
    };
    const file = rawFile(header, 14);
    const data = new DataView(file.buffer, file.length - 14);
    data.setUint16(0, 0x3c00, true); // 1.0
    data.setUint16(2, 0xc000, true); // -2.0
    data.setUint16(4, 0x4049, true); // bf16 of 3.140625
    data.setBigInt64(6, -7n, true);
    const t = parseSafetensors(file).tensors;
    assert.deepEqual(t.get('h')!.toFlatArray(), [1, -2]);
    assert.deepEqual(t.get('b')!.toFlatArray(), [3.140625]);
    assert.deepEqual([t.get('l')!.dtype, t.get('l')!.item()], ['int32', -7]);
  });

  test('every entry is checked before any is copied: 3,000 entries over one range fail on the overlap, not on a copy', () => {
    // Each entry is an I64 whose value does not fit in int32: decoding one before the overlap check would fail on that.
    const entries = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`t${i}`, { dtype: 'I64', shape: [128], data_offsets: [0, 1024] }]));
    const file = rawFile(entries, 1024);
    new DataView(file.buffer, file.length - 1024).setBigInt64(0, 1n << 40n, true);
    assert.throws(() => parseSafetensors(file, 'overlap.safetensors'), /^Error: overlap\.safetensors: invalid safetensors file: tensor 't\d+' starts at byte 0, expected 1024 \(overlapping or gapped data\)$/);
    const absurd = rawFile({}, 0);
    new DataView(absurd.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    assert.throws(() => parseSafetensors(absurd, 'absurd.safetensors'), /absurd\.safetensors: invalid safetensors file: header length 18446744073709552000 exceeds the file size 10/);
  });

  const invalid: [string, () => Uint8Array, RegExp][] = [
    ['too short', () => new Uint8Array(3), /3 bytes is too short/],
    ['header longer than file', () => { const f = rawFile({}, 0); new DataView(f.buffer).setBigUint64(0, 999n, true); return f; }, /header length 999 exceeds the file size/],
    ['header not JSON', () => { const f = rawFile({}, 0); f[8] = 0x7b; f[9] = 0x21; return f; }, /header is not valid UTF-8 JSON/],
    ['unknown dtype', () => rawFile({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, 1), /tensor 'a' has unsupported dtype "U8"/],
    ['bad shape', () => rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /tensor 'a' has an invalid shape \[-1\]/],
    ['offsets outside data', () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4), /data_offsets \[0, 8\] outside the 4-byte data section/],
    ['size mismatch', () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4), /needs 8 bytes, its offsets span 4/],
    ['overlap', () => rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4), /tensor 'b' starts at byte 0, expected 4|tensor 'a' starts at byte 0, expected 4/],
    ['gap at the end', () => rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8), /the tensors cover 4 bytes of a 8-byte data section/],
    ['metadata not strings', () => rawFile({ __metadata__: { step: 3 } }, 0), /__metadata__ entry 'step' is not a string/],
  ];
  for (const [label, build, message] of invalid) {
    test(`rejects: ${label}`, () => {
      assert.throws(() => parseSafetensors(build(), 'model.safetensors'), (e: Error) => {
        assert.match(e.message, /^model\.safetensors: invalid safetensors file: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
