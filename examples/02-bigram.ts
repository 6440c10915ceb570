// Lesson 2: the bigram model, first by counting, then as a one-layer neural net trained by gradient descent. The
// lecture seeds torch.Generator().manual_seed(2147483647); a Generator on the 'torch' stream gives the same
// numbers, so every seeded line below is the lecture's own.
import { Generator, multinomial, rand } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { BigramCounts, bigramTensors } from '../src/models/makemore/bigramCounts.js';
import { BigramNeural } from '../src/models/makemore/bigramNeural.js';
import { trainLoop } from '../src/models/trainer.js';
import { SGD } from '../src/optim/sgd.js';
import { fast, lesson, names } from './common.js';

const lectureSeed = () => new Generator(2147483647, { stream: 'torch' });
const words = names();
const tokenizer = CharTokenizer.forItems(words);
console.log(`${words.length} names, vocabulary of ${tokenizer.vocabSize}: ${tokenizer.itos.join('')}`);

// The lecture's warm-up: three random numbers made a distribution, then 20 draws from it.
let g = lectureSeed();
let p = rand([3], { generator: g });
p = p.div(p.sum());
console.log(`torch.rand(3) normalised: [${Array.from(p.hostData(), (v) => v.toFixed(4)).join(', ')}]; 20 draws: ${multinomial(p, 20, { replacement: true, generator: g }).toFlatArray().join(' ')}`);

const counts = BigramCounts.fromItems(tokenizer, words);
console.log(`counting model: average negative log-likelihood ${counts.nll(words).toFixed(4)}`);
g = lectureSeed();
console.log(`samples: ${Array.from({ length: 5 }, () => counts.sample(g)).join(', ')}`);

// The same table learned: W (27x27) from the lecture's seed, full-batch gradient descent at learning rate 50.
const { xs, ys } = bigramTensors(words, tokenizer);
const model = new BigramNeural(tokenizer.vocabSize, lectureSeed());
const steps = fast ? 10 : 100;
const losses = trainLoop({ optimizer: new SGD(model.parameters(), 50), schedule: () => 50, steps, batchLoss: () => model.loss(xs, ys) });
console.log(`neural bigram on ${xs.shape[0]} bigrams: loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)} after ${steps} full-batch steps`);
if (!fast) {
  g = lectureSeed();
  const neural = new BigramCounts(tokenizer, model.W.exp(), 0);
  console.log(`samples from the trained net: ${Array.from({ length: 5 }, () => neural.sample(g)).join(', ')}`);
}
lesson.done();
