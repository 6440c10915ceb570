// The models whose training step `npm run bench` times, as zerograd builds them.
import { Generator, arenaStep, crossEntropy, rand, randint } from '../src/index.js';
import { LeNet } from '../src/models/vision/cnn.js';
import { MLP } from '../src/models/makemore/mlp.js';
import { hierarchicalModel } from '../src/models/makemore/hierarchical.js';
import { GPT, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { AdamW } from '../src/optim/adamw.js';
import { SGD } from '../src/optim/sgd.js';
import type { Module } from '../src/nn/module.js';
import type { Tensor } from '../src/tensor/tensor.js';

export interface StepCase {
  label: string;
  kind: 'names' | 'gpt' | 'cnn';
  model?: 'mlp' | 'wavenet';
  nEmbd?: number; nHead?: number; nLayer?: number; blockSize?: number;
  batch: number;
  repeats: number;
  tokens: number;
  /** Minutes per step on the reference backend: left out of that column. */
  referenceTooSlow?: boolean;
}

/** The training steps timed: the seed models; `quick` leaves out the 10.8M GPT. */
export const stepCases = (quick: boolean): StepCase[] => [
  { label: 'MLP names (batch 32)', kind: 'names', model: 'mlp', batch: 32, repeats: 200, tokens: 32 },
  { label: 'WaveNet names (batch 32)', kind: 'names', model: 'wavenet', batch: 32, repeats: 50, tokens: 32 },
  // The vision lessons' LeNet-style CNN on Fashion-MNIST-sized images, Adam as `zerograd vision train`.
  { label: 'LeNet CNN 28x28 (batch 64)', kind: 'cnn', batch: 64, repeats: 10, tokens: 64 },
  { label: 'GPT n_embd 32, 3 layers, block 8 (batch 32)', kind: 'gpt', nEmbd: 32, nHead: 4, nLayer: 3, blockSize: 8, batch: 32, repeats: 20, tokens: 256 },
  { label: 'GPT n_embd 128, 4 layers, block 64 (batch 32)', kind: 'gpt', nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64, batch: 32, repeats: 2, tokens: 2048 },
  ...(quick ? [] : [{ label: 'GPT 10.8M: n_embd 384, 6 layers, block 256 (batch 8)', kind: 'gpt' as const, nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256, batch: 8, repeats: 1, tokens: 2048, referenceTooSlow: true }]),
];

/** One training step of a model mapping x to class logits, in arenaStep as trainLoop runs it. */
function classifierStep(model: { forward(x: Tensor): Tensor }, opt: { zeroGrad(): void; step(): void }, x: Tensor, y: Tensor): () => void {
  return () => arenaStep(() => {
    const loss = crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
}

/** A closure running one forward + backward + optimizer step of the case on the current backend. */
export function stepFunction(c: StepCase): () => void {
  const g = new Generator(0);
  if (c.kind === 'names') {
    const model: Module & { forward(x: Tensor): Tensor } = c.model === 'mlp'
      ? new MLP({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200, initFixes: true }, g)
      : hierarchicalModel({ vocabSize: 27, blockSize: 8, nEmbd: 24, nHidden: 128 }, g);
    const block = c.model === 'mlp' ? 3 : 8;
    return classifierStep(model, new SGD(model.parameters(), 0.1), randint(0, 27, [c.batch, block], { generator: g }), randint(0, 27, [c.batch], { generator: g }));
  }
  if (c.kind === 'cnn') {
    const model = new LeNet(28, 28, { generator: g });
    return classifierStep(model, new AdamW(model.parameters(), 1e-3, { weightDecay: 0 }), rand([c.batch, 1, 28, 28], { generator: g }), randint(0, 10, [c.batch], { generator: g }));
  }
  const model = new GPT(lectureGPTConfig({ vocabSize: 65, blockSize: c.blockSize!, nEmbd: c.nEmbd!, nHead: c.nHead!, nLayer: c.nLayer!, dropout: 0 }), g);
  const opt = new AdamW(model.parameters(), 1e-3);
  const x = randint(0, 65, [c.batch, c.blockSize!], { generator: g });
  const y = randint(0, 65, [c.batch, c.blockSize!], { generator: g });
  return () => arenaStep(() => {
    const { loss } = model.forward(x, y);
    opt.zeroGrad();
    loss!.backward();
    opt.step();
  });
}
