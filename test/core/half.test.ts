import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  type Backend, Embedding, Linear, Module, Tensor, arenaStep, gelu, load, parseSafetensors, referenceBackend, save, setBackend, tensor, where, zeros,
} from '../../src/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { hostStorage } from '../../src/core/dtype.js';
import { bfloat16BitsToFloat, halfBitsToFloat } from '../../src/core/halfFloat.js';
import { assertClose, projectRoot } from '../helpers.js';

const fixtures = join(projectRoot(), 'test', 'fixtures');
type Value = number | 'nan' | 'inf' | '-inf';
const half = JSON.parse(readFileSync(join(fixtures, 'torch_half.json'), 'utf8')) as {
  values: Value[]; conversions: Record<string, number[]>; ops: { a: number[]; b: number[] } & Record<string, Record<string, number[] | Value[]>>;
};
const state = JSON.parse(readFileSync(join(fixtures, 'torch_half_state.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
const numbers = (values: Value[]) => values.map((v) => (typeof v === 'number' ? v : Number(v.replace('nan', 'NaN').replace('inf', 'Infinity'))));
const dtypes = ['float16', 'bfloat16'] as const;

/** The stored bit patterns of a 16-bit tensor, as PyTorch's .view(torch.int16) & 0xffff gives them. */
const bitsOf = (t: Tensor) => Array.from(hostStorage(t.storedData()));

function assertSameBits(actual: number[], want: readonly number[], label: string): void {
  const differ = want.map((v, i) => (actual[i] === v ? -1 : i)).filter((i) => i >= 0);
  assert.equal(actual.length, want.length, `${label}: length`);
  assert.deepEqual(differ.slice(0, 5).map((i) => [i, actual[i].toString(16), want[i].toString(16)]), [], `${label}: ${differ.length} of ${want.length} differ`);
}

describe("float16 and bfloat16: PyTorch's bits", () => {
  for (const dtype of dtypes) {
    test(`${dtype}: .to() rounds 1,031 float32 values (ties, subnormals, overflow, NaN) to PyTorch's bits and back exactly`, () => {
      const values = tensor(numbers(half.values));
      const converted = values.to(dtype);
      assert.equal(converted.dtype, dtype);
      assertSameBits(bitsOf(converted), half.conversions[dtype], dtype);
      // Widening is exact: converting the widened values again gives the same bits.
      assertSameBits(bitsOf(converted.float().to(dtype)), half.conversions[dtype], `${dtype} round trip`);
      assertSameBits(bitsOf(values.double().to(dtype)), half.conversions[dtype], `${dtype} from float64`);
    });

    test(`${dtype}: elementwise ops compute in float32 and round to PyTorch's bits`, () => {
      const a = tensor(half.ops.a).to(dtype);
      const b = tensor(half.ops.b).to(dtype);
      const want = half.ops[dtype];
      const ran: Record<string, () => Tensor> = {
        add: () => a.add(b), mul: () => a.mul(b), div: () => a.div(b), mulScalar: () => a.mul(0.1), exp: () => a.exp(),
        tanh: () => a.tanh(), gelu: () => gelu(a), relu: () => a.relu(), whereZero: () => where(a.gt(0), a, 0),
      };
      for (const [name, run] of Object.entries(ran)) {
        if (!want[name]) continue;
        const out = run();
        assert.equal(out.dtype, dtype, name);
        // PyTorch's vectorised erf is its own float32 approximation, off from the exact one far in GELU's tail.
        if (name === 'gelu') assertClose(out.toFlatArray(), (want[name] as number[]).map(dtype === 'bfloat16' ? bfloat16BitsToFloat : halfBitsToFloat), { atol: 1e-6, rtol: 8e-3, what: name });
        else assertSameBits(bitsOf(out), want[name] as number[], `${dtype} ${name}`);
      }
      assert.deepEqual(a.lt(0.1).toFlatArray(), want.ltScalar);
      const mixed = a.add(tensor(half.ops.b));
      assert.equal(mixed.dtype, 'float32', 'a 16-bit tensor with a float32 one gives float32, as in PyTorch');
      assert.deepEqual(mixed.toFlatArray(), want.addFloat32);
    });
  }

  test('a 16-bit matrix product accumulates in float32 and rounds once, as PyTorch does for bfloat16', () => {
    const a = tensor([[1.5, -2.25, 3], [0.1, 0.2, 0.3]]);
    const b = tensor([[1, 2], [3, 4], [5, 6]]);
    for (const dtype of dtypes) {
      const product = a.to(dtype).matmul(b.to(dtype));
      assert.equal(product.dtype, dtype);
      assert.deepEqual(bitsOf(product), bitsOf(a.to(dtype).float().matmul(b).to(dtype)));
    }
  });

  test('float16 with bfloat16 promotes to float32, with int32 stays 16-bit', () => {
    const h = tensor([1.5, 2]).half();
    assert.equal(h.add(tensor([1, 2]).bfloat16()).dtype, 'float32');
    assert.equal(h.add(tensor([1, 2], { dtype: 'int32' })).dtype, 'float16');
    assert.deepEqual(h.mul(2).toFlatArray(), [3, 4]);
  });

  test('creation, printing, item and tolist read values, not bit patterns', () => {
    const t = tensor([[0.1, -2], [65504, 1e-7]], { dtype: 'float16' });
    assert.equal(t.dtype, 'float16');
    assert.deepEqual(t.tolist(), [[0.0999755859375, -2], [65504, 1.1920928955078125e-7]]);
    assert.equal(t.toString().includes('dtype=float16'), true);
    assert.equal(zeros([1], { dtype: 'bfloat16' }).add(1).item(), 1);
    assert.deepEqual(t.onesLike().toFlatArray(), [1, 1, 1, 1]);
    assert.deepEqual(t.T.contiguous().toFlatArray(), [0.0999755859375, 65504, -2, 1.1920928955078125e-7]);
  });

  test('gradients flow through a 16-bit cast back to the float32 leaf', () => {
    const x = tensor([0.5, -1.25, 3], { requiresGrad: true });
    x.half().mul(x.half()).float().sum().backward();
    assert.deepEqual(x.grad!.toFlatArray(), [1, -2.5, 6]);
  });

  test('an op with no 16-bit kernel says so, naming the dtype, shape and the conversion to make', () => {
    assert.throws(() => tensor([[1, 2]]).half().sum(), /does not compute in float16 \(a tensor of shape \[1, 2\]\); convert it with \.float\(\) first/);
    assert.throws(() => tensor([[1, 2]]).bfloat16().softmax(-1), /does not compute in bfloat16/);
  });
});

describe('save and load: any state dict as safetensors, 16-bit storage kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-half-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("PyTorch's float16 and bfloat16 tensors load as those dtypes with PyTorch's values, and save back to the same bytes", () => {
    const path = join(fixtures, 'torch_half.safetensors');
    const loaded = load(path);
    for (const [name, want] of Object.entries(state)) {
      const t = loaded.get(name)!;
      assert.equal(t.dtype, want.dtype, name);
      assert.deepEqual(t.shape, want.shape, name);
      assert.deepEqual(t.toFlatArray(), want.values, name);
    }
    const copy = join(dir, 'copy.safetensors');
    save(loaded, copy, { format: 'pt' });
    // The JSON headers differ in spacing only; the data sections hold the same bytes.
    const dataOf = (file: string) => { const bytes = readFileSync(file); return bytes.subarray(8 + Number(bytes.readBigUInt64LE(0))); };
    assert.deepEqual(dataOf(copy), dataOf(path));
  });

  test('a 16-bit state dict loads into a float32 model by value, and a model saves in 16 bits through .to()', () => {
    class Tiny extends Module {
      embedding = new Embedding(5, 3);
      linear = new Linear(3, 2);
    }
    const model = new Tiny();
    model.loadStateDict(load(join(fixtures, 'torch_half.safetensors')));
    assert.deepEqual(model.linear.weight.toFlatArray(), state['linear.weight'].values);
    assert.equal(model.linear.weight.dtype, 'float32');
    const path = join(dir, 'tiny.safetensors');
    save(Object.fromEntries([...model.stateDict()].map(([k, v]) => [k, v.to('bfloat16')])), path);
    const back = load(path);
    assert.equal(back.get('embedding.weight')!.dtype, 'bfloat16');
    assert.deepEqual(back.get('linear.weight')!.toFlatArray(), state['linear.weight'].values, 'bfloat16 values survive bfloat16 -> float32 -> bfloat16');
    assert.equal(parseSafetensors(readFileSync(path)).tensors.get('linear.bias')!.dtype, 'bfloat16');
  });

  test('a view is saved as the elements it shows; a missing file or a non-tensor is a one-line error', () => {
    const path = join(dir, 'view.safetensors');
    save({ t: tensor([[1, 2, 3], [4, 5, 6]]).half().T }, path);
    assert.deepEqual(load(path).get('t')!.tolist(), [[1, 4], [2, 5], [3, 6]]);
    assert.throws(() => load(join(dir, 'absent.safetensors')), /absent\.safetensors: no such file/);
    assert.throws(() => save({ t: [1, 2] as unknown as Tensor }, path), /save: 't' is object, not a tensor/);
    writeFileSync(join(dir, 'bad.safetensors'), 'nonsense');
    assert.throws(() => load(join(dir, 'bad.safetensors')), /bad\.safetensors: invalid safetensors file/);
  });
});

describe('16-bit tensors on the WebAssembly backend, inside and outside arenaStep', () => {
  for (const inArena of [false, true]) {
    test(`float16 elementwise bits equal the reference backend's ${inArena ? 'inside' : 'outside'} arenaStep`, () => {
      const run = () => {
        const a = tensor(half.ops.a).half();
        return bitsOf(a.mul(tensor(half.ops.b).half()).add(0.5).tanh());
      };
      const reference = run();
      const previous: Backend = setBackend(createWasmBackend());
      try {
        const got = inArena ? arenaStep(run) : run();
        assert.deepEqual(got, reference);
      } finally {
        setBackend(previous ?? referenceBackend);
      }
    });
  }
});
