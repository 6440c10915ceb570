// Lesson 7: a GPT from scratch on Tiny Shakespeare (or the embedded names when the course data is absent).
import { readFileSync } from 'node:fs';
import { Generator, tensor } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { splitTokens } from '../src/data/textDataset.js';
import { generate } from '../src/models/gpt/generate.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { type GPTTrainConfig, startGPTRun, trainGPT } from '../src/models/gpt/recipe.js';
import { courseData, fast, names } from './common.js';

const path = courseData('tinyshakespeare.txt');
const text = path ? readFileSync(path, 'utf8') : `${names().join('\n')}\n`;
const tokenizer = CharTokenizer.forText(text);
const splits = splitTokens(tokenizer.encode(text));
console.log(`${text.length} characters, vocabulary ${tokenizer.vocabSize}: ${JSON.stringify(tokenizer.itos.join(''))}`);
const steps = fast ? 60 : 3000;
const train: GPTTrainConfig = { steps, batchSize: 32, lr: fast ? 1e-2 : 1e-3, warmupSteps: 10, weightDecay: 0.1, clipNorm: 1, evalEvery: steps / 3, evalIters: 10, seed: 1337 };
const run = startGPTRun(lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 8, nEmbd: 32, nHead: 4, nLayer: 3, dropout: 0 }), train);
console.log(`GPT with ${run.model.numParameters()} parameters`);
trainGPT(run, splits, train, {
  onEval: (step, l) => console.log(`step ${step}: train ${l.train.toFixed(4)}, val ${l.val.toFixed(4)}`),
});
const out = generate(run.model, tensor(Int32Array.from(tokenizer.encode('\n')), { shape: [1, 1] }), fast ? 40 : 300, { generator: new Generator(1) });
console.log(tokenizer.decode(out.toFlatArray()));
