import { tensor } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { type Problem, type TensorJson, describe, exported, fromJson } from '../problem.js';

type Kind = 'next' | 'sum' | 'table';

/**
 * The judge's stand-in for a trained GPT, logits (B, T, V). 'next' and 'sum' put all the probability on one next
 * id, so every sampler picks it: 'next' predicts the id after the position's own; 'sum' the sum of every id up to
 * the position, so a context that is not cropped to contextLength gives other text. 'table' is a bigram model
 * (one row of logits per id) whose samples depend on the generator, seeded and restored as the course does.
 */
export class StandInModel {
  constructor(readonly kind: Kind, readonly vocab: number, readonly table?: Tensor) {}

  forward(context: Tensor): Tensor {
    if (this.kind === 'table') return this.table!.index(context);
    const [B, T] = context.shape;
    const ids = context.hostData();
    const logits = new Float32Array(B * T * this.vocab).fill(-1e4);
    for (let b = 0; b < B; b++) {
      let total = 0;
      for (let t = 0; t < T; t++) {
        total += ids[b * T + t];
        const next = this.kind === 'next' ? (ids[b * T + t] + 1) % this.vocab : total % this.vocab;
        logits[(b * T + t) * this.vocab + next] = 0;
      }
    }
    return tensor(logits, { shape: [B, T, this.vocab] });
  }
}

/** What generation gives when the context is never cropped, or when the first position is read, for the hints. */
function mistaken(kind: 'next' | 'sum', vocab: number, newChars: number, context: number[], chars: string[], read: 'uncropped' | 'first'): string {
  const ids = [...context];
  let out = '';
  for (let i = 0; i < newChars; i++) {
    const next = kind === 'next' ? ((read === 'first' ? ids[0] : ids[ids.length - 1]) + 1) % vocab
      : (read === 'first' ? ids[0] : ids.reduce((a, b) => a + b, 0)) % vocab;
    ids.push(next);
    out += chars[next];
  }
  return out;
}

export const problem: Problem = {
  id: 13,
  slug: 'make-gpt-talk-back',
  title: 'Make the GPT talk back',
  statement: `Generate text from a trained model, one character at a time.

generate(model, newChars, context, contextLength, intToChar): context is (1, T) token ids and model.forward
returns logits (B, T, vocabulary). Repeat newChars times:
    if context has more than contextLength positions, keep only the last contextLength (the model has no
      position embedding beyond them): context.slice(1, -contextLength)
    prediction = model.forward(context); take the last time step: (B, vocabulary)
    probabilities = softmax of it over the vocabulary
    nextChar = multinomial(probabilities, 1, { generator }), with
      const generator = new Generator(0, { stream: 'torch' })   (the course's torch.manual_seed(0))
      made before the loop and restored with generator.manualSeed(0) after every draw, as the course does
    context = cat([context, nextChar], -1); append intToChar[nextChar.item()] to the answer
and return the characters as one string.

Example: a model that always predicts the character after the last one, with intToChar "abcdefgh" and
context [[0, 1]] ("ab"), generates "cdefg" for newChars 5.`,
  starter: `import { Generator, type Tensor, cat, multinomial } from 'zerograd';

export function generate(model: { forward(context: Tensor): Tensor }, newChars: number, context: Tensor, contextLength: number,
  intToChar: Record<number, string> | readonly string[]): string {
  throw new Error('not implemented');
}`,
  exports: ['generate'],
  trial(learner, data) {
    const [newChars, contextJson, contextLength, chars] = data.args as [number, TensorJson, number, string[]];
    const kind = data.model as Kind;
    const context = fromJson(contextJson);
    const describeModel = { next: 'a model that predicts the character after the last one', sum: 'a model that predicts from the sum of the ids it is shown', table: 'a bigram model (a table of logits)' }[kind];
    const model = new StandInModel(kind, chars.length, kind === 'table' ? fromJson(data.table as TensorJson) : undefined);
    return {
      input: `generate(${describeModel}, ${newChars}, ${describe(context)}, ${contextLength}, ${JSON.stringify(chars.join(''))})`,
      expected: data.expected,
      answer: () => exported<(...a: unknown[]) => string>(learner, 'generate')(model, newChars, context, contextLength, [...chars]),
      check: (got) => ({
        passed: got === data.expected,
        ...(kind === 'table' && got !== data.expected && typeof got === 'string' && got.length === newChars
          ? { hint: "sample with multinomial(probabilities, 1, { generator }) from new Generator(0, { stream: 'torch' }), restored with generator.manualSeed(0) after every draw" } : {}),
      }),
      mistakes: () => kind === 'table' ? [] : [
        { hint: 'crop the context to its last contextLength positions before each prediction', output: mistaken(kind as 'next' | 'sum', chars.length, newChars, contextJson.data, chars, 'uncropped') },
        { hint: 'sample from the last time step, prediction.slice(1, -1), not the first', output: mistaken(kind as 'next' | 'sum', chars.length, newChars, contextJson.data, chars, 'first') },
      ],
      errorHints: [[/multinomial/, 'apply the softmax to the last time step: multinomial needs probabilities, not logits']],
    };
  },
};
