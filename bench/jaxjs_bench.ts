// The jax-js side of `npm run bench` (its wasm device), in its own process: the same sgemm sizes and
// models as bench/run.ts, each training step one jit-compiled value-and-gradient plus an Adam/SGD update.
import { readFileSync } from 'node:fs';
import type { numpy as npTypes } from '@jax-js/jax';
import type { StepCase } from './cases.js';
import { seconds } from './timing.js';

type JaxArray = npTypes.Array;

// jax-js probes navigator.gpu while starting, and Node 20 has no navigator.
(globalThis as { navigator?: object }).navigator ??= {};
const { numpy: np, nn, init, defaultDevice, jit, valueAndGrad } = await import('@jax-js/jax');

function gaussian(shape: number[], std: number): JaxArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => std * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()));
  return np.array(data).reshape(shape);
}
const filled = (shape: number[], value: number) => np.full(shape, value);
const ids = (shape: number[], high: number) => np.array(Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(Math.random() * high)), { dtype: np.int32 }).reshape(shape);

function sgemm(n: number): number {
  const a = gaussian([n, n], 1);
  const b = gaussian([n, n], 1);
  return (2 * n ** 3) / seconds(() => { np.matmul(a.ref, b.ref).dataSync(); }, Math.max(1, Math.min(50, Math.floor(2e8 / n ** 3)))) / 1e9;
}

/** Mean cross-entropy of logits (..., V) against one-hot targets of the same shape. */
const crossEntropy = (logits: JaxArray, oneHot: JaxArray, count: number) => nn.logSoftmax(logits, -1).mul(oneHot).sum().mul(-1 / count);

/** One training step over flat parameter lists: value and gradient (jit-compiled), then the update. */
function trainer(loss: (params: JaxArray[], x: JaxArray, y: JaxArray) => JaxArray, params: JaxArray[], x: JaxArray, y: JaxArray, adam: boolean): () => void {
  const gradient = jit(valueAndGrad(loss));
  const lr = adam ? 1e-3 : 0.1;
  let m = params.map((p) => np.zerosLike(p.ref));
  let v = params.map((p) => np.zerosLike(p.ref));
  return () => {
    const [value, grads] = gradient(params.map((p) => p.ref), x.ref, y.ref) as unknown as [JaxArray, JaxArray[]];
    value.dataSync();
    if (!adam) {
      params = params.map((p, i) => p.sub(grads[i].mul(lr)));
      return;
    }
    m = m.map((mi, i) => mi.mul(0.9).add(grads[i].ref.mul(0.1)));
    v = v.map((vi, i) => vi.mul(0.999).add(grads[i].ref.mul(grads[i]).mul(0.001)));
    params = params.map((p, i) => p.sub(m[i].ref.mul(lr).div(np.sqrt(v[i].ref).add(1e-8))));
    // dataSync takes ownership (it consumes a reference), so it reads through a new one.
    params[params.length - 1].ref.dataSync();
  };
}

function mlpStep(c: StepCase): () => void {
  const params = [gaussian([27, 10], 1), gaussian([30, 200], 0.1), filled([200], 0), gaussian([200, 27], 0.01), filled([27], 0)];
  const loss = ([emb, w1, b1, w2, b2]: JaxArray[], x: JaxArray, y: JaxArray) => {
    const h = np.tanh(np.matmul(np.matmul(nn.oneHot(x, 27), emb).reshape([c.batch, 30]), w1).add(b1));
    return crossEntropy(np.matmul(h, w2).add(b2), y, c.batch);
  };
  return trainer(loss, params, ids([c.batch, 3], 27), nn.oneHot(ids([c.batch], 27), 27), false);
}

function gptStep(c: StepCase): () => void {
  const { nEmbd: C = 0, nHead: H = 0, nLayer: L = 0, blockSize: T = 0, batch: B } = c;
  const V = 65;
  const hs = C / H;
  const perLayer = () => [filled([C], 1), filled([C], 0), gaussian([C, 3 * C], 0.02), filled([3 * C], 0), gaussian([C, C], 0.02), filled([C], 0),
    filled([C], 1), filled([C], 0), gaussian([C, 4 * C], 0.02), filled([4 * C], 0), gaussian([4 * C, C], 0.02), filled([C], 0)];
  const params = [gaussian([V, C], 0.02), gaussian([T, C], 0.02), ...Array.from({ length: L }, perLayer).flat(), filled([C], 1), filled([C], 0), gaussian([C, V], 0.02)];
  const causal = np.array(Float32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0))).reshape([T, T]);
  const layerNorm = (x: JaxArray, g: JaxArray, b: JaxArray) => nn.standardize(x, -1, { epsilon: 1e-5 }).mul(g).add(b);
  const loss = (p: JaxArray[], x: JaxArray, y: JaxArray) => {
    let h = np.matmul(nn.oneHot(x, V), p[0]).add(p[1]);
    for (let l = 0; l < L; l++) {
      const [g1, b1, wqkv, bqkv, wo, bo, g2, b2, w1, bb1, w2, bb2] = p.slice(2 + 12 * l, 14 + 12 * l);
      const qkv = np.matmul(layerNorm(h.ref, g1, b1), wqkv).add(bqkv).reshape([B, T, 3, H, hs]);
      // (B, H, T, hs) heads; nn.dotProductAttention needs iterator helpers (Node 22), so attention is spelled out.
      const [q, k, v] = np.split(qkv, 3, 2).map((t) => t.reshape([B, T, H, hs]).transpose([0, 2, 1, 3]));
      const weights = nn.softmax(np.matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(hs)).add(causal.ref), -1);
      const attended = np.matmul(weights, v).transpose([0, 2, 1, 3]).reshape([B, T, C]);
      h = h.add(np.matmul(attended, wo).add(bo));
      h = h.ref.add(np.matmul(nn.gelu(np.matmul(layerNorm(h, g2, b2), w1).add(bb1)), w2).add(bb2));
    }
    const [gf, bf, head] = p.slice(2 + 12 * L);
    return crossEntropy(np.matmul(layerNorm(h, gf, bf), head), y, B * T);
  };
  return trainer(loss, params, ids([B, T], V), nn.oneHot(ids([B, T], V), V), true);
}

const request = JSON.parse(process.argv[2]) as { sgemm: number[]; steps: StepCase[] };
await init('wasm');
defaultDevice('wasm');
// The package's exports hide package.json, so its version is read beside the resolved entry point.
const manifest = new URL('../package.json', import.meta.resolve('@jax-js/jax'));
const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
const out: { version: string; sgemm: Record<string, number>; steps: Record<string, number> } = { version, sgemm: {}, steps: {} };
for (const n of request.sgemm) out.sgemm[String(n)] = sgemm(n);
for (const c of request.steps) {
  // WaveNet's BatchNorm over (B, T, C) is left out here as in the TensorFlow.js column.
  if (c.kind === 'names' && c.model !== 'mlp') continue;
  // No CNN here: the table leaves that cell out.
  if (c.kind === 'cnn') continue;
  out.steps[c.label] = seconds(c.kind === 'gpt' ? gptStep(c) : mlpStep(c), c.repeats);
}
console.log(JSON.stringify(out));
