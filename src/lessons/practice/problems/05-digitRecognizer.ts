import type { Layer, Module } from '../../../nn/module.js';
import { Dropout } from '../../../nn/dropout.js';
import { type Problem, type TensorJson, compareValues, construct, describe, exported, fromJson, seededVerdict } from '../problem.js';
import { loadCourseWeights } from '../weights.js';

type Batch = { images: TensorJson; labels: TensorJson };

export const problem: Problem = {
  id: 5,
  slug: 'digit-recognizer',
  title: 'Digit recogniser',
  statement: `Build the course's handwritten-digit network and the loop that trains it.

DigitRecognizer: images of 28x28 = 784 pixels, flattened, go through
    Linear(784, 512) → ReLU → Dropout(p = 0.2) → Linear(512, 10) → Sigmoid
as the fields firstLinear, relu, dropout, projection and sigmoid. forward(images) maps (B, 784) to (B, 10)
scores in (0, 1). The course seeds PyTorch before building the layers; do the same, so your weights are PyTorch's:
    manualSeed(0, { stream: 'torch' });   // torch.manual_seed(0), first thing in the constructor

trainDigitRecognizer(model, batches, epochs): for each epoch, for each { images, labels } batch in order:
    prediction = model.forward(images); optimizer.zeroGrad();
    loss = crossEntropyLoss(prediction, labels); loss.backward(); optimizer.step();
with one Adam optimizer over model.parameters() at its default learning rate (1e-3), made before the loop.
Return every step's loss rounded to 4 decimals. Leave the model's train/eval mode as it is given.

Example: one epoch over 2 batches returns 2 losses, e.g. [2.3151, 2.3098]; the first is the loss of the
untrained model (about ln 10 ≈ 2.30 for ten nearly equal scores).`,
  starter: `import { Adam, Dropout, type Layer, Linear, Module, ReLU, Sigmoid, type Tensor, crossEntropyLoss, manualSeed } from 'zerograd';

export class DigitRecognizer extends Module {
  // firstLinear, relu, dropout, projection, sigmoid

  constructor() {
    super();
    throw new Error('not implemented');
  }

  forward(images: Tensor): Tensor {
    throw new Error('not implemented');
  }
}

export function trainDigitRecognizer(model: Module & Layer, batches: { images: Tensor; labels: Tensor }[], epochs: number): number[] {
  throw new Error('not implemented');
}`,
  exports: ['DigitRecognizer', 'trainDigitRecognizer'],
  trial(learner, data, reference) {
    if (data.fn === 'forward') {
      const [images] = data.args!.map((a) => fromJson(a as TensorJson));
      const made = (exports: typeof learner) => construct<Module & Layer>(exports, 'DigitRecognizer', []).eval();
      const withCourseWeights = () => {
        const model = made(learner);
        loadCourseWeights(model, made(reference).stateDict());
        return model.forward(images).round(4);
      };
      return {
        input: `new DigitRecognizer(), in eval mode; forward(${describe(images, 60)})`,
        expected: data.expected,
        decimals: 4,
        answer: () => made(learner).forward(images).round(4),
        check: (got) => {
          const model = made(learner);
          const dropout = model.namedChildren().find(([, child]) => child instanceof Dropout)?.[1] as Dropout | undefined;
          if (!dropout || dropout.p !== 0.2) return { passed: false, hint: "the course's network has a Dropout(0.2) after the ReLU" };
          return seededVerdict(data.expected, got, withCourseWeights);
        },
        mistakes: () => {
          const ref = made(reference) as unknown as { firstLinear: Layer; relu: Layer; projection: Layer };
          const hidden = ref.firstLinear.forward(images);
          return [
            { hint: 'end with the sigmoid: the scores must lie in (0, 1)', output: ref.projection.forward(ref.relu.forward(hidden)).round(4) },
            { hint: 'put a ReLU between the two linear layers', output: ref.projection.forward(hidden).sigmoid().round(4) },
          ];
        },
      };
    }
    const batches = (data.batches as Batch[]).map((b) => ({ images: fromJson(b.images), labels: fromJson(b.labels) }));
    const epochs = data.epochs as number;
    const expected = data.expected as number[];
    return {
      input: `trainDigitRecognizer(the course's network, seeded, in eval mode, ${batches.length} batches of ${batches[0].images.shape[0]} images, ${epochs} epochs)`,
      expected,
      decimals: 4,
      answer: () => {
        const model = construct<Module & Layer>(reference, 'DigitRecognizer', []);
        return exported<(m: Module & Layer, b: typeof batches, e: number) => number[]>(learner, 'trainDigitRecognizer')(model.eval(), batches, epochs);
      },
      check: (got) => {
        const verdict = compareValues(expected, got, 4);
        if (verdict.passed || verdict.hint || !Array.isArray(got)) return verdict;
        if (got.length !== expected.length) return { passed: false, hint: `one loss per step: ${epochs} epochs × ${batches.length} batches = ${expected.length}` };
        if (Math.abs((got[0] as number) - expected[0]) > 2e-4) return { passed: false, hint: "the first loss is the untrained model's: crossEntropyLoss(model.forward(images), labels)" };
        return { passed: false, hint: 'the first loss matches, the updates differ: one Adam(model.parameters()) at lr 1e-3, zeroGrad before backward, step after' };
      },
    };
  },
};
