// Lesson 2: the bigram model, first by counting, then as a one-layer neural net trained by gradient descent.
import { Generator } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { BigramCounts, bigramTensors } from '../src/models/makemore/bigramCounts.js';
import { BigramNeural } from '../src/models/makemore/bigramNeural.js';
import { trainLoop } from '../src/models/trainer.js';
import { SGD } from '../src/optim/sgd.js';
import { fast, names } from './common.js';

const words = names();
const tokenizer = CharTokenizer.forItems(words);
console.log(`${words.length} names, vocabulary of ${tokenizer.vocabSize}: ${tokenizer.itos.join('')}`);
const counts = BigramCounts.fromItems(tokenizer, words);
console.log(`counting model: average negative log-likelihood ${counts.nll(words).toFixed(4)}`);
const g = new Generator(2147483647);
console.log(`samples: ${Array.from({ length: 5 }, () => counts.sample(g)).join(', ')}`);

const { xs, ys } = bigramTensors(fast ? words.slice(0, 2000) : words, tokenizer);
const model = new BigramNeural(tokenizer.vocabSize, new Generator(2147483647));
const losses = trainLoop({ optimizer: new SGD(model.parameters(), 50), schedule: () => 50, steps: fast ? 20 : 100, batchLoss: () => model.loss(xs, ys) });
console.log(`neural bigram: loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)} after ${losses.length} full-batch steps`);
