import { toSvg } from '../src/scalar/graph.js';
import { TINY_INPUTS, TINY_TARGETS, fitTinyMlp, tanhNeuron } from '../src/lessons/micrograd.js';

/** The lecture's tanh neuron after backward(), drawn: every node shows its data and its gradient. */
export const neuronGraph = (): Promise<string> => toSvg(tanhNeuron().o);

/** The lecture's tiny MLP trained for `steps`; one line per input with its prediction and target. */
export function trainTinyMlp(steps: number, onStep: (step: number, loss: number) => void): string[] {
  const { predictions } = fitTinyMlp(steps, (step, loss) => onStep(step + 1, loss));
  return TINY_INPUTS.map((x, i) => `input [${x.join(', ')}] -> ${predictions[i].toFixed(4)} (target ${TINY_TARGETS[i]})`);
}
