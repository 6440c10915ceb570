// Lesson 9: the course's digit classifier. Linear(64, 512) -> ReLU -> Dropout(0.2) -> Linear(512, 10) -> sigmoid,
// trained with cross-entropy and Adam, as the course writes it; then the same network with plain logits. The sigmoid
// squeezes every output into (0, 1), so the softmax inside cross-entropy sees scores that differ by less than 1 and
// can never put much probability on the right digit: the loss stays high and the gradients stay small.
import { accuracy, predictImages, startVisionRun, trainVision, visionModelConfig } from '../src/models/vision/recipe.js';
import { digitSplits, fast, lesson } from './common.js';

const data = digitSplits();
console.log(`${data.train.count} training, ${data.val.count} validation, ${data.test.count} test images of 8x8, pixels scaled to [0, 1]`);
const train = { epochs: fast ? 3 : 30, batchSize: 64, lr: 1e-3, seed: 1337 };
for (const kind of ['mlp', 'mlp-logits'] as const) {
  const run = startVisionRun(visionModelConfig(kind, 8, 8), train);
  trainVision(run, data, train);
  const [, loss] = run.evals.at(-1)!;
  const test = accuracy(predictImages(run.model, data.test).classes, data.test.labels);
  const floor = kind === 'mlp' ? ` (it cannot go below ln(1 + 9/e) = ${Math.log(1 + 9 / Math.E).toFixed(4)})` : '';
  console.log(`${kind === 'mlp' ? 'sigmoid outputs (the course)' : 'plain logits'}: ${run.model.numParameters()} parameters, `
    + `after ${train.epochs} epochs train loss ${loss.toFixed(4)}${floor}, test accuracy ${test.toFixed(4)}`);
}
lesson.done();
