// Lesson 8: the GPT course's 13 coding problems, solved. Each reference solution (src/lessons/solutions/) runs on
// the course's own example; then the practice judge, the one `zerograd practice check` runs on your files, checks
// every solution on all its cases, whose answers come from PyTorch (scripts/make_practice_cases.py).
import { practiceCases } from '../src/lessons/practice/caseFile.js';
import { judge } from '../src/lessons/practice/judge.js';
import { PROBLEMS, REFERENCE } from '../src/lessons/practice/problems.js';
import { getMinimizer } from '../src/lessons/solutions/01-gradientDescent.js';
import { getMinimizerMultivariate } from '../src/lessons/solutions/02-multivariateGradientDescent.js';
import { getModelPrediction, trainModel } from '../src/lessons/solutions/03-linearRegression.js';
import { average } from '../src/lessons/solutions/04-pytorchBasics.js';
import { getDataset } from '../src/lessons/solutions/06-introToNlp.js';
import { SentimentClassifier } from '../src/lessons/solutions/07-sentimentAnalysis.js';
import { batchLoader } from '../src/lessons/solutions/08-gptDataset.js';
import { SingleHeadAttention } from '../src/lessons/solutions/09-selfAttention.js';
import { MultiHeadedSelfAttention } from '../src/lessons/solutions/10-multiHeadedSelfAttention.js';
import { GPT } from '../src/lessons/solutions/12-gpt.js';
import { generate } from '../src/lessons/solutions/13-talkBack.js';
import { randn, tensor } from '../src/tensor/creation.js';
import { Generator } from '../src/core/random.js';
import { startLesson } from './lessonArgs.js';

const lesson = startLesson();

console.log(`gradient descent on x^2: ${getMinimizer(10, 0.01, 5)}`);
console.log(`multivariate gradient descent: ${getMinimizerMultivariate(1000, 0.1, [2, 5]).join(', ')}`);
const X = tensor([[1, 2, 3], [1, 1, 1]], { dtype: 'float64' });
const w = tensor([0.2, 0.1, 0.6], { dtype: 'float64' });
console.log(`linear regression: predictions ${getModelPrediction(X, w).toFlatArray().join(', ')}; weights after 10 steps ${trainModel(X, tensor([6, 3], { dtype: 'float64' }), 10, w).toFlatArray().join(', ')}`);
const four = (values: number[]) => values.map((v) => v.toFixed(4)).join(', ');
console.log(`column means: ${four(average(tensor([[0.8088, 1.2614, -1.4371], [-0.0056, -0.2050, -0.7201]])).toFlatArray())}`);
console.log(`dataset: ${JSON.stringify(getDataset(['Dogecoin to the moon'], ['I will short Tesla today']).tolist())}`);
console.log(`sentiment (untrained, seeded as the course seeds): ${four(new SentimentClassifier(20).forward(tensor(Int32Array.from([3, 7, 1, 0]), { shape: [1, 4] })).toFlatArray())}`);
const { X: bx, Y: by } = batchLoader("Hello darkness my old friend I've come to talk with you again", 3, 2);
console.log(`batch loader: X=${JSON.stringify(bx)} Y=${JSON.stringify(by)}`);
const embedded = randn([2, 4, 8], { generator: new Generator(1) });
console.log(`single head: [${new SingleHeadAttention(8, 4).forward(embedded).shape}], multi-head: [${new MultiHeadedSelfAttention(8, 6, 3).forward(embedded).shape}]`);

// Talk back with an untrained GPT (PyTorch's initial weights): problem 12's model gives probabilities, whose
// logarithms serve as logits.
const chars = [...new Set('hello world, how are you?')].sort();
const gpt = new GPT(chars.length, 8, 16, 2, 2).eval();
const prompt = tensor(Int32Array.from([...'hello'].map((c) => chars.indexOf(c))), { shape: [1, 5] });
console.log(`talk-back: hello${generate({ forward: (context) => gpt.forward(context).log() }, 20, prompt, 8, chars)}`);

const cases = practiceCases();
for (const problem of PROBLEMS) {
  const results = judge(problem, REFERENCE[problem.id], cases.problems[problem.id], REFERENCE[problem.id]);
  console.log(`problem ${String(problem.id).padStart(2)} ${problem.title}: ${results.filter((r) => r.passed).length} of ${results.length} cases pass`);
}
lesson.done();
