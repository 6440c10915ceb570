import { noGrad, randn } from '../../src/index.js';
import { GPT } from '../../src/models/gpt/gpt.js';
import { Generator } from '../../src/core/random.js';

/** The configuration scripts/make_torch_gpt_fixture.py gives nanoGPT's model.py (which always ties the head). */
export const FIXTURE_GPT_CONFIG = {
  vocabSize: 11, blockSize: 6, nEmbd: 12, nHead: 3, nLayer: 2, dropout: 0,
  bias: true, tieWeights: true, activation: 'gelu', attention: 'fused',
} as const;

/** A deterministic zerograd GPT with weights large enough (std 0.3) that every layer matters to the logits. */
export function zerogradFixtureModel(): GPT {
  const model = new GPT({ ...FIXTURE_GPT_CONFIG }, new Generator(0));
  const g = new Generator(7);
  noGrad(() => model.parameters().forEach((p) => p.copy_(randn(p.shape, { generator: g }).mul(0.3))));
  return model;
}
