// Lesson 15: retrieval-augmented generation. A small GPT learns to answer a question from a passage put before it
// ("context: ... question: ... answer: ..."). Asked about facts it never trained on, it can only answer when the
// right passage is in its context: retrieval (TF-IDF over every passage) supplies it; without context it guesses.
import { splitTokens } from '../src/index.js';
import { readAnswer } from '../src/cli/rag.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { factCorpus, ragPrompt } from '../src/data/factCorpus.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { gptTrainConfig, startGPTRun } from '../src/models/gpt/recipe.js';
import { trainGPT } from '../src/models/gpt/train.js';
import { TfidfEmbedder } from '../src/models/rag/embedders.js';
import { ExactIndex, recallAt } from '../src/models/rag/vectorIndex.js';
import { fast, lesson } from './common.js';

const facts = factCorpus(fast ? 200 : 2000);
const heldOut = facts.slice(0, fast ? 8 : 200);
const trainFacts = facts.slice(heldOut.length);

// Every passage is indexed, the held-out facts' too: retrieval knows what the reader never trained on.
const passages = facts.map((f) => f.passage);
const embedder = TfidfEmbedder.fit(passages);
const index = new ExactIndex(embedder.dim);
index.add(passages, embedder.embed(passages));
const queries = embedder.embed(heldOut.map((f) => f.question));
const gold = heldOut.map((_, i) => i);
console.log(`${passages.length} passages indexed (TF-IDF, ${embedder.dim} words); held-out questions: recall@1 ${recallAt(index, queries, gold, 1).toFixed(3)}, recall@5 ${recallAt(index, queries, gold, 5).toFixed(3)}`);

// The reader learns the format on the training facts, always with the gold passage as context.
const text = trainFacts.map((f) => `${ragPrompt(f.passage, f.question)} ${f.answer}\n`).join('');
const tokenizer = CharTokenizer.forText(`${text}${facts.map((f) => f.passage).join('')}`);
const config = lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 128, nEmbd: fast ? 32 : 96, nHead: 4, nLayer: fast ? 2 : 4, dropout: 0 });
const train = gptTrainConfig({ batchSize: 16, lr: 2e-3, steps: fast ? 30 : 5000, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: 10 });
const run = startGPTRun(config, train);
trainGPT(run, splitTokens(tokenizer.encode(text)), train);
console.log(`reader: a ${run.model.numParameters()}-parameter GPT, ${train.steps} steps on ${trainFacts.length} facts`);

const exact = (context: (i: number) => string) => heldOut.filter((f, i) => readAnswer(run.model, tokenizer, context(i), f.question, fast ? 10 : 24) === f.answer).length / heldOut.length;
const retrieved = exact((i) => index.search(queries[i], 1)[0].passage);
const none = exact(() => '');
const withGold = exact((i) => heldOut[i].passage);
console.log(`exact-match on ${heldOut.length} held-out questions: retrieved passage ${retrieved.toFixed(3)}, no context ${none.toFixed(3)}, gold passage ${withGold.toFixed(3)}`);
const f = heldOut[0];
console.log(`Q: ${f.question}  retrieved: "${index.search(queries[0], 1)[0].passage}"  A: ${readAnswer(run.model, tokenizer, index.search(queries[0], 1)[0].passage, f.question, 24)}`);
lesson.done();
