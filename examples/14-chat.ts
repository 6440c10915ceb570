// Lesson 14: make a GPT talk back. Pre-train on Tiny Shakespeare, then fine-tune the same weights on questions and
// answers in a fixed format ("Q: ..." / "A: ..."), and the model that only continued plays now answers questions:
// exactly the questions it saw, and sums it never saw when the pattern generalises.
import { splitTokens } from '../src/index.js';
import { answer } from '../src/cli/chat.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { formatQA, qaCorpus } from '../src/data/qaCorpus.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { gptTrainConfig, startGPTRun } from '../src/models/gpt/recipe.js';
import { trainGPT } from '../src/models/gpt/train.js';
import { fast, lesson, shakespeare } from './common.js';

const text = shakespeare();
const tokenizer = CharTokenizer.forText(text);
const config = lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 48, nEmbd: fast ? 32 : 64, nHead: 4, nLayer: fast ? 2 : 4, dropout: 0 });
const pretrain = gptTrainConfig({ batchSize: 16, lr: 3e-3, steps: fast ? 40 : 2000, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: 10 });
const run = startGPTRun(config, pretrain);
trainGPT(run, splitTokens(tokenizer.encode(text)), pretrain);
console.log(`pre-trained a ${run.model.numParameters()}-parameter GPT on Tiny Shakespeare for ${pretrain.steps} steps`);

// The Q&A file's last tenth is the validation split, so the pairs there are never trained on.
const pairs = qaCorpus();
const qa = formatQA(pairs);
const cutoff = Math.floor(0.9 * qa.length);
let offset = 0;
const heldOut = pairs.filter((p) => {
  const start = offset;
  offset += formatQA([p]).length;
  return start >= cutoff;
});
const seen = pairs.slice(0, fast ? 4 : 40);
const ask = (label: string, set: typeof pairs) => {
  const answers = set.map((p) => answer(run.model, tokenizer, p.question, fast ? 12 : 40));
  const right = answers.filter((a, i) => a === set[i].answer).length;
  console.log(`${label}: ${right} of ${set.length} answered exactly`);
  return answers;
};
const sample = pairs.slice(0, fast ? 1 : 3);
for (const p of sample) console.log(`before fine-tuning: Q: ${p.question}  A: ${JSON.stringify(answer(run.model, tokenizer, p.question, fast ? 12 : 40))}`);

const finetune = gptTrainConfig({ batchSize: 16, lr: 1e-3, steps: fast ? 40 : 2000, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: 10 });
const qaRun = startGPTRun(config, finetune);
qaRun.model.loadStateDict(run.model.stateDict());
trainGPT(qaRun, splitTokens(tokenizer.encode(qa)), finetune);
run.model.loadStateDict(qaRun.model.stateDict());
console.log(`fine-tuned on ${pairs.length - heldOut.length} question-and-answer pairs for ${finetune.steps} steps`);
for (const p of sample) console.log(`after fine-tuning:  Q: ${p.question}  A: ${JSON.stringify(answer(run.model, tokenizer, p.question, fast ? 12 : 40))}`);
ask('questions it was trained on', seen);
ask('held-out questions', fast ? heldOut.slice(0, 4) : heldOut);
lesson.done();
