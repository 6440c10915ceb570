// Problem 13, making the GPT talk back: sample one character at a time from the model's last position, append
// it, and feed back at most the last contextLength characters.
import { Generator, type Tensor, cat, multinomial } from '../practice/library.js';

/** newChars characters after `context` (1, T); `model` returns logits (B, T, vocabulary). */
export function generate(model: { forward(context: Tensor): Tensor }, newChars: number, context: Tensor, contextLength: number,
  intToChar: Record<number, string> | readonly string[]): string {
  const generator = new Generator(0, { stream: 'torch' }); // the course's torch.manual_seed(0)
  const res: string[] = [];
  for (let i = 0; i < newChars; i++) {
    if (context.shape[1] > contextLength) context = context.slice(1, -contextLength); // context[:, -contextLength:]
    const prediction = model.forward(context); // (B, T, vocabulary)
    const lastTimeStep = prediction.slice(1, -1).squeeze(1); // (B, vocabulary)
    const probabilities = lastTimeStep.softmax(-1);
    const nextChar = multinomial(probabilities, 1, { generator });
    generator.manualSeed(0); // the course resets the generator after every draw
    context = cat([context, nextChar], -1);
    res.push(intToChar[nextChar.item()]);
  }
  return res.join('');
}
