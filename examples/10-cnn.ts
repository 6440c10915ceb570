// Lesson 10: a convolutional network. Two convolution + ReLU + max-pool stages share their weights across the
// image, so a stroke is recognised wherever it is; then two Linear layers classify the pooled feature maps.
import { Conv2d } from '../src/nn/conv.js';
import { LeNet } from '../src/models/vision/cnn.js';
import { accuracy, predictImages, startVisionRun, trainVision, visionModelConfig } from '../src/models/vision/recipe.js';
import { digitSplits, fast, lesson } from './common.js';

const data = digitSplits();
const train = { epochs: fast ? 3 : 30, batchSize: 64, lr: 1e-3, seed: 1337 };
const run = startVisionRun(visionModelConfig('cnn', 8, 8), train);
for (const [name, p] of run.model.namedParameters()) console.log(`${name.padEnd(14)} [${p.shape.join(', ')}]`);
console.log(`${run.model.numParameters()} parameters (the MLP of lesson 9 has 38,410)`);
trainVision(run, data, train, { onEpoch: (epoch, loss, val) => { if (epoch % 10 === 0 || fast) console.log(`epoch ${epoch}: train loss ${loss.toFixed(4)}, val accuracy ${val.toFixed(4)}`); } });
console.log(`test accuracy ${accuracy(predictImages(run.model, data.test).classes, data.test.labels).toFixed(4)}`);
const conv1 = (run.model as LeNet).conv1 as Conv2d;
console.log(`first-layer filters: ${conv1.weight.shape[0]} of ${conv1.weight.shape[2]}x${conv1.weight.shape[3]}, e.g. [${conv1.weight.slice(0, 0, 1).toFlatArray().map((v) => v.toFixed(2)).join(' ')}]`);
lesson.done();
