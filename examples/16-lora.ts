// Lesson 16: LoRA. Fine-tuning every weight of a model costs optimizer memory for every weight and overwrites what it
// knew. LoRA freezes W0 and learns a low-rank update W = W0 + (alpha / r) B A instead: r (in + out) numbers per layer.
import { Generator, randint, splitTokens } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { gptTrainConfig, startGPTRun, startLMRun } from '../src/models/gpt/recipe.js';
import { estimateLoss, trainGPT } from '../src/models/gpt/train.js';
import { LoRALinear, applyLoRA, loraLayers, mergeLoRA } from '../src/nn/lora.js';
import { Linear } from '../src/nn/linear.js';
import { fast, lesson, names, shakespeare } from './common.js';

// 1. One layer: the update starts at zero (B = 0), so the wrapped layer starts exactly as the base.
const base = new Linear(64, 64, { generator: new Generator(1) });
const lora = new LoRALinear(base, { rank: 4, alpha: 8, generator: new Generator(2) });
console.log(`Linear(64, 64): ${64 * 64 + 64} weights; LoRA rank 4 trains ${lora.trainableParameters().reduce((n, p) => n + p.size, 0)} (A 4x64, B 64x4), scale alpha/r = ${lora.scaling}`);

// 2. A GPT pre-trained on Shakespeare, then taught names: fully, and through rank-4 adapters on c_attn.
const text = shakespeare();
const tokenizer = CharTokenizer.forText(text);
const config = lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 16, nEmbd: 32, nHead: 4, nLayer: 2, dropout: 0 });
const steps = fast ? 40 : 1500;
const pre = gptTrainConfig({ batchSize: 32, lr: 3e-3, steps, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: fast ? 4 : 50 });
const pretrained = startGPTRun(config, pre);
const oldSplits = splitTokens(tokenizer.encode(text));
trainGPT(pretrained, oldSplits, pre);
const newSplits = splitTokens(tokenizer.encode(`${names().join('\n')}\n`));
const measure = (model: typeof pretrained.model) => ({
  names: estimateLoss(model, newSplits, 32, pre.evalIters, new Generator(3)).val,
  shakespeare: estimateLoss(model, oldSplits, 32, pre.evalIters, new Generator(4)).val,
});
const start = measure(pretrained.model);
console.log(`pre-trained: names val ${start.names.toFixed(4)}, Shakespeare val ${start.shakespeare.toFixed(4)}`);
for (const rank of [0, 4]) {
  const ft = gptTrainConfig({ batchSize: 32, lr: rank ? 1e-2 : 1e-3, steps: fast ? 20 : 500, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: pre.evalIters });
  const model = startGPTRun(config, ft).model;
  model.loadStateDict(pretrained.model.stateDict());
  if (rank) applyLoRA(model, { targets: ['c_attn'], rank, alpha: 8, generator: new Generator(5) });
  const run = startLMRun(model, new Generator(6), [model.transformer.wte.weight, model.transformer.wpe.weight], ft);
  const trainable = model.trainableParameters().reduce((n, p) => n + p.size, 0);
  trainGPT(run, newSplits, ft);
  const after = measure(model);
  console.log(`${rank ? `LoRA rank ${rank}` : 'full fine-tune'}: ${trainable} trainable parameters; names val ${after.names.toFixed(4)}, Shakespeare val ${after.shakespeare.toFixed(4)}`);
  if (rank) {
    // 3. Merging folds B A into W0: the same outputs from a plain model, at no extra cost per token.
    const x = randint(0, tokenizer.vocabSize, [2, 16], { generator: new Generator(7) });
    const before = model.forward(x).logits.toFlatArray();
    mergeLoRA(model);
    const merged = model.forward(x).logits.toFlatArray();
    const gap = Math.max(...before.map((v, i) => Math.abs(v - merged[i])));
    console.log(`merged ${loraLayers(model).length} layers: largest logit change ${gap.toExponential(1)}`);
  }
}
lesson.done();
