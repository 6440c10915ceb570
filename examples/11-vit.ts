// Lesson 11: a vision transformer. The image is cut into patches, each patch embedded like a token, a learned CLS
// token put in front and learned positions added; encoder blocks let every patch attend to every other, and the
// head classifies from the CLS position.
import { accuracy, predictImages, startVisionRun, trainVision, visionModelConfig } from '../src/models/vision/recipe.js';
import { VisionTransformer } from '../src/models/vision/vit.js';
import { digitSplits, fast, lesson } from './common.js';

const data = digitSplits();
const config = { ...visionModelConfig('vit', 8, 8), nLayer: fast ? 1 : 4 };
const train = { epochs: fast ? 2 : 20, batchSize: 64, lr: 1e-3, seed: 1337 };
const run = startVisionRun(config, train);
const vit = run.model as VisionTransformer;
console.log(`8x8 images in ${(8 / config.patch) ** 2} patches of ${config.patch}x${config.patch}, + CLS = ${(8 / config.patch) ** 2 + 1} tokens of width ${config.nEmbd}; ${config.nLayer} blocks, ${run.model.numParameters()} parameters`);
console.log(`patch embedding ${vit.patch_embed.weight.shape.join('x')} (a strided convolution), positions ${vit.pos_embed.shape.join('x')}`);
trainVision(run, data, train, { onEpoch: (epoch, loss, val) => { if (epoch % 5 === 0 || fast) console.log(`epoch ${epoch}: train loss ${loss.toFixed(4)}, val accuracy ${val.toFixed(4)}`); } });
console.log(`test accuracy ${accuracy(predictImages(run.model, data.test).classes, data.test.labels).toFixed(4)}`);
lesson.done();
