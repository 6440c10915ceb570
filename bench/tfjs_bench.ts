// The TensorFlow.js side of `npm run bench`, run in its own process per backend (wasm, cpu) so the two
// libraries never share a heap: the same sgemm sizes and the same models as bench/run.ts, timed the same way.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { StepCase } from './cases.js';
import { seconds } from './timing.js';

interface Request {
  backend: 'wasm' | 'cpu';
  sgemm: number[];
  steps: StepCase[];
}

function sgemm(n: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  // dataSync waits for the product, as zerograd's eager matmul does. (tf.tidy here made the wasm backend
  // ten times slower at 1024, so the result is disposed by hand.)
  const product = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  return (2 * n ** 3) / seconds(product, Math.max(1, Math.min(50, Math.floor(2e8 / n ** 3)))) / 1e9;
}

const param = (shape: number[], std = 0.02) => tf.variable(tf.randomNormal(shape, 0, std));
const zeros = (shape: number[]) => tf.variable(tf.zeros(shape));
const ones = (shape: number[]) => tf.variable(tf.ones(shape));

function layerNorm(x: tf.Tensor, gain: tf.Variable, bias: tf.Variable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(gain).add(bias);
}

/** nanoGPT's GELU (tanh form: tfjs has no erf-based one); the cost is the same elementwise work. */
/**
 * Rows of `table` for integer ids, as a one-hot product: tf.gather's gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks.
 */
const embed = (table: tf.Variable, ids: tf.Tensor) => tf.oneHot(ids.flatten(), table.shape[0]!).matMul(table).reshape([...ids.shape, table.shape[1]!]);

const gelu = (x: tf.Tensor) => x.mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1)).mul(0.5);

function gptStep(c: StepCase): () => void {
  const { nEmbd: C = 0, nHead: H = 0, nLayer: L = 0, blockSize: T = 0, batch: B } = c;
  const V = 65;
  const wte = param([V, C]);
  const wpe = param([T, C]);
  const layers = Array.from({ length: L }, () => ({
    g1: ones([C]), b1: zeros([C]), wqkv: param([C, 3 * C]), bqkv: zeros([3 * C]), wo: param([C, C]), bo: zeros([C]),
    g2: ones([C]), b2: zeros([C]), w1: param([C, 4 * C]), bb1: zeros([4 * C]), w2: param([4 * C, C]), bb2: zeros([C]),
  }));
  const gf = ones([C]);
  const bf = zeros([C]);
  const head = param([C, V]);
  const x = tf.randomUniform([B, T], 0, V, 'int32');
  const y = tf.oneHot(tf.randomUniform([B * T], 0, V, 'int32'), V);
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e9);
  const optimizer = tf.train.adam(1e-3);
  const hs = C / H;
  const loss = () => {
    let h: tf.Tensor = embed(wte, x).add(wpe);
    for (const l of layers) {
      const n1 = layerNorm(h, l.g1, l.b1).reshape([B * T, C]);
      const qkv = n1.matMul(l.wqkv).add(l.bqkv).reshape([B, T, 3, H, hs]).transpose([2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(qkv);
      const att = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hs)).add(mask));
      const mixed = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, C]);
      h = h.add(mixed.matMul(l.wo).add(l.bo).reshape([B, T, C]));
      const n2 = layerNorm(h, l.g2, l.b2).reshape([B * T, C]);
      h = h.add(gelu(n2.matMul(l.w1).add(l.bb1)).matMul(l.w2).add(l.bb2).reshape([B, T, C]));
    }
    const logits = layerNorm(h, gf, bf).reshape([B * T, C]).matMul(head);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  return () => {
    const value = optimizer.minimize(loss, true);
    value!.dataSync();
    value!.dispose();
  };
}

function mlpStep(c: StepCase): () => void {
  const emb = param([27, 10], 1);
  const w1 = param([30, 200], 0.1);
  const b1 = zeros([200]);
  const w2 = param([200, 27], 0.01);
  const b2 = zeros([27]);
  const x = tf.randomUniform([c.batch, 3], 0, 27, 'int32');
  const y = tf.oneHot(tf.randomUniform([c.batch], 0, 27, 'int32'), 27);
  const optimizer = tf.train.sgd(0.1);
  const loss = () => tf.losses.softmaxCrossEntropy(y, tf.tanh(embed(emb, x).reshape([c.batch, 30]).matMul(w1).add(b1)).matMul(w2).add(b2)) as tf.Scalar;
  return () => {
    const value = optimizer.minimize(loss, true);
    value!.dataSync();
    value!.dispose();
  };
}

/** zerograd's LeNet for 28x28 inputs (5x5 convolutions, padding 2, 2x2 max-pools), Adam. */
function cnnStep(c: StepCase): () => void {
  const conv1 = param([5, 5, 1, 6], 0.2);
  const conv2 = param([5, 5, 6, 16], 0.08);
  const fc1 = param([16 * 7 * 7, 120], 0.03);
  const fc2 = param([120, 10], 0.09);
  const biases = [zeros([6]), zeros([16]), zeros([120]), zeros([10])];
  const x = tf.randomUniform([c.batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([c.batch], 0, 10, 'int32'), 10);
  const optimizer = tf.train.adam(1e-3);
  const loss = () => {
    const h1 = tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, conv1 as tf.Tensor4D, 1, 'same').add(biases[0])) as tf.Tensor4D, 2, 2, 'valid');
    const h2 = tf.maxPool(tf.relu(tf.conv2d(h1, conv2 as tf.Tensor4D, 1, 'same').add(biases[1])) as tf.Tensor4D, 2, 2, 'valid');
    const logits = tf.relu(h2.reshape([c.batch, 16 * 7 * 7]).matMul(fc1).add(biases[2])).matMul(fc2).add(biases[3]);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  return () => {
    const value = optimizer.minimize(loss, true);
    value!.dataSync();
    value!.dispose();
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as Request;
  await tf.setBackend(request.backend);
  await tf.ready();
  const out: { version: string; sgemm: Record<string, number>; steps: Record<string, number> } = { version: tf.version.tfjs, sgemm: {}, steps: {} };
  for (const n of request.sgemm) out.sgemm[String(n)] = sgemm(n);
  for (const c of request.steps) {
    // WaveNet's BatchNorm over (B, T, C) would need its own module here; the table leaves that cell out.
    if (c.kind === 'names' && c.model !== 'mlp') continue;
    try {
      out.steps[c.label] = seconds(c.kind === 'gpt' ? gptStep(c) : c.kind === 'cnn' ? cnnStep(c) : mlpStep(c), c.repeats);
    } catch (error) {
      // TensorFlow.js's wasm backend has no convolution gradients (Conv2DBackpropFilter): that cell stays empty.
      console.error(`${c.label}: ${(error as Error).message}`);
    }
  }
  console.log(JSON.stringify(out));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
