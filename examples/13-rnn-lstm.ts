// Lesson 13: recurrent networks, the models that came before attention. An RNN folds a sequence into one state,
// step by step; its gradient to early inputs shrinks with every step, which the LSTM's additive cell state fixes;
// and because step t needs step t-1, no amount of hardware runs a sequence's steps at once, as attention does.
import { GRU, LSTM, RNN, tensor, randn, splitTokens } from '../src/index.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { startCharLSTMRun } from '../src/models/charrnn/recipe.js';
import { generate } from '../src/models/gpt/generate.js';
import { gptTrainConfig } from '../src/models/gpt/recipe.js';
import { estimateLoss, trainGPT } from '../src/models/gpt/train.js';
import { prepareMakemoreData, startMakemoreRun } from '../src/models/makemore/recipe.js';
import { trainMakemore } from '../src/models/makemore/train.js';
import { sampleItem, splitLoss } from '../src/models/makemore/charModel.js';
import { Generator } from '../src/core/random.js';
import { fast, lesson, names, shakespeare } from './common.js';

// 1. One step of an Elman RNN by hand equals nn.RNN's: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
const rnn = new RNN(3, 4, { generator: new Generator(1) });
const x = randn([1, 1, 3], { generator: new Generator(2) });
const [, hn] = rnn.forward(x);
const byHand = x.view(1, 3).matmul(rnn.weight_ih_l0.T).add(rnn.bias_ih_l0).add(rnn.bias_hh_l0).tanh();
console.log(`one RNN step by hand equals RNN.forward: ${hn.view(1, 4).sub(byHand).abs().max().item() < 1e-6}`);

// 2. How much does the last output depend on the first input? |d h_T / d x_0| after T steps, for each cell.
const T = fast ? 30 : 60;
const reach: Record<string, number> = {};
for (const [label, model] of [['RNN (tanh)', new RNN(8, 32, { generator: new Generator(3) })], ['LSTM', new LSTM(8, 32, { generator: new Generator(3) })],
  ['GRU', new GRU(8, 32, { generator: new Generator(3) })]] as const) {
  const inputs = randn([T, 1, 8], { generator: new Generator(4) }).requiresGrad_();
  const [outputs] = model.forward(inputs);
  outputs.slice(0, T - 1, T).sum().backward();
  const grad = inputs.grad!.view(T, 8).square().sum(1).sqrt().toFlatArray();
  console.log(`${label.padEnd(10)} gradient of h_${T} to x_${T - 1}: ${grad[T - 1].toExponential(2)}, to x_0: ${grad[0].toExponential(2)}`);
  reach[label] = grad[0];
}
console.log(`over ${T} steps the LSTM keeps ${(reach.LSTM / reach['RNN (tanh)']).toFixed(0)}x and the GRU ${(reach.GRU / reach['RNN (tanh)']).toFixed(0)}x the RNN's gradient to the first input`);

// 3. makemore.py's GRU on names: the state reads the whole name so far, not a fixed window.
const steps = fast ? 200 : 5000;
const data = prepareMakemoreData(names(), 16, 42);
const config = { kind: 'gru' as const, vocab: [...data.tokenizer.itos], blockSize: 16, nEmbd: 32, nHidden: 32, initFixes: false };
const train = { steps, batchSize: 32, lr: 5e-3, decayAt: steps, decayFactor: 1, seed: 2147483647 };
const run = startMakemoreRun(config, train);
trainMakemore(run, data, train);
console.log(`makemore GRU, ${run.model.numParameters()} parameters, ${steps} AdamW steps: val loss ${splitLoss(run.model, fast ? { X: data.val.X.slice(0, 0, 2000), Y: data.val.Y.slice(0, 0, 2000) } : data.val).toFixed(4)}`);
const sampler = new Generator(5);
console.log(`names: ${Array.from({ length: 5 }, () => sampleItem(run.model, data.tokenizer, 16, sampler)).join(', ')}`);

// 4. The classic char-rnn: an LSTM language model on Tiny Shakespeare, trained on 32-character windows.
const text = shakespeare();
const tokenizer = CharTokenizer.forText(text);
const splits = splitTokens(tokenizer.encode(text));
const lmTrain = gptTrainConfig({ batchSize: 16, lr: 3e-3, steps: fast ? 60 : 2000, schedule: 'cosine' }, { evalEvery: 1e9, evalIters: fast ? 5 : 50 });
const lm = startCharLSTMRun({ arch: 'lstm', vocabSize: tokenizer.vocabSize, blockSize: 32, nEmbd: 32, nHidden: 128, nLayer: 1, dropout: 0 }, lmTrain);
trainGPT(lm, splits, lmTrain);
const losses = estimateLoss(lm.model, splits, 16, lmTrain.evalIters, new Generator(6));
console.log(`char-rnn LSTM, ${lm.model.numParameters()} parameters, ${lmTrain.steps} steps: train ${losses.train.toFixed(4)}, val ${losses.val.toFixed(4)}`);
const prompt = tokenizer.encode('ROMEO:');
const sample = generate(lm.model, tensor(Int32Array.from(prompt), { shape: [1, prompt.length] }), 80, { generator: new Generator(7) });
console.log(tokenizer.decode(sample.toFlatArray()));
lesson.done();
