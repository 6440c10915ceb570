// Lesson 7: a GPT from scratch on Tiny Shakespeare.
import { Generator, tensor } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { splitTokens } from '../src/data/textDataset.js';
import { generate } from '../src/models/gpt/generate.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { GPT_PRESETS, gptTrainConfig, startGPTRun, trainGPT } from '../src/models/gpt/recipe.js';
import { fast, shakespeare } from './common.js';

const text = shakespeare();
const tokenizer = CharTokenizer.forText(text);
const splits = splitTokens(tokenizer.encode(text));
console.log(`${text.length} characters, vocabulary ${tokenizer.vocabSize}: ${JSON.stringify(tokenizer.itos.join(''))}`);
const steps = fast ? 60 : 3000;
// The lecture's settings: batch 32, a constant learning rate.
const train = gptTrainConfig(GPT_PRESETS.tiny, { steps, lr: fast ? 1e-2 : 1e-3, warmupSteps: 10, evalEvery: steps / 3, evalIters: 10 });
const run = startGPTRun(lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 8, nEmbd: 32, nHead: 4, nLayer: 3, dropout: 0 }), train);
console.log(`GPT with ${run.model.numParameters()} parameters`);
trainGPT(run, splits, train, {
  onEval: (step, l) => console.log(`step ${step}: train ${l.train.toFixed(4)}, val ${l.val.toFixed(4)}`),
});
const out = generate(run.model, tensor(Int32Array.from(tokenizer.encode('\n')), { shape: [1, 1] }), fast ? 40 : 300, { generator: new Generator(1) });
console.log(tokenizer.decode(out.toFlatArray()));
