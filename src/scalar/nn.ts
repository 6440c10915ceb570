import { Generator } from '../core/random.js';
import { Value } from './value.js';

/** Anything with trainable scalars. */
export abstract class ScalarModule {
  abstract parameters(): Value[];

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }
}

export type Nonlinearity = 'tanh' | 'relu' | 'linear';

/** One neuron: act(w . x + b), weights uniform in [-1, 1]. */
export class Neuron extends ScalarModule {
  readonly w: Value[];
  readonly b: Value;

  constructor(nin: number, readonly nonlin: Nonlinearity = 'tanh', generator = new Generator(0)) {
    super();
    this.w = Array.from({ length: nin }, () => new Value(generator.random() * 2 - 1));
    this.b = new Value(generator.random() * 2 - 1);
  }

  call(x: readonly (Value | number)[]): Value {
    const act = x.reduce<Value>((sum, xi, i) => sum.add(this.w[i].mul(xi)), this.b);
    if (this.nonlin === 'tanh') return act.tanh();
    if (this.nonlin === 'relu') return act.relu();
    return act;
  }

  parameters(): Value[] { return [...this.w, this.b]; }
}

/** nout neurons reading the same inputs. */
export class Layer extends ScalarModule {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, nonlin: Nonlinearity = 'tanh', generator = new Generator(0)) {
    super();
    this.neurons = Array.from({ length: nout }, () => new Neuron(nin, nonlin, generator));
  }

  call(x: readonly (Value | number)[]): Value[] {
    return this.neurons.map((n) => n.call(x));
  }

  parameters(): Value[] { return this.neurons.flatMap((n) => n.parameters()); }
}

/** A multi-layer perceptron; every layer but the last applies `nonlin`, the last is linear unless told. */
export class MLP extends ScalarModule {
  readonly layers: Layer[];

  constructor(nin: number, nouts: readonly number[], options: { nonlin?: Nonlinearity; outputNonlin?: Nonlinearity; seed?: number } = {}) {
    super();
    const { nonlin = 'tanh', outputNonlin = nonlin, seed = 0 } = options;
    const generator = new Generator(seed);
    const sizes = [nin, ...nouts];
    this.layers = nouts.map((_, i) => new Layer(sizes[i], sizes[i + 1], i === nouts.length - 1 ? outputNonlin : nonlin, generator));
  }

  call(x: readonly (Value | number)[]): Value[] {
    return this.layers.reduce<readonly (Value | number)[]>((h, layer) => layer.call(h), x) as Value[];
  }

  parameters(): Value[] { return this.layers.flatMap((l) => l.parameters()); }
}
