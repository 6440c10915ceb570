/**
 * A scalar that remembers how it was computed (micrograd). backward() walks that expression graph in
 * reverse topological order, and each node adds its local derivative times the upstream gradient.
 */
export class Value {
  grad = 0;
  /** Pushes this node's gradient into its children; set by the op that created it. */
  private backwardStep: () => void = () => {};

  constructor(
    public data: number,
    readonly children: readonly Value[] = [],
    readonly op = '',
    public label = '',
  ) {}

  private static lift(x: Value | number): Value {
    return x instanceof Value ? x : new Value(x);
  }

  private derive(data: number, children: Value[], op: string, step: (out: Value) => void): Value {
    const out = new Value(data, children, op);
    out.backwardStep = () => step(out);
    return out;
  }

  add(other: Value | number): Value {
    const o = Value.lift(other);
    return this.derive(this.data + o.data, [this, o], '+', (out) => {
      this.grad += out.grad;
      o.grad += out.grad;
    });
  }

  mul(other: Value | number): Value {
    const o = Value.lift(other);
    return this.derive(this.data * o.data, [this, o], '*', (out) => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    });
  }

  /** this ** exponent for a constant exponent (the exponent is not a graph node). */
  pow(exponent: number): Value {
    return this.derive(this.data ** exponent, [this], `**${exponent}`, (out) => {
      this.grad += exponent * this.data ** (exponent - 1) * out.grad;
    });
  }

  neg(): Value { return this.mul(-1); }
  sub(other: Value | number): Value { return this.add(Value.lift(other).neg()); }
  div(other: Value | number): Value { return this.mul(Value.lift(other).pow(-1)); }

  exp(): Value {
    return this.derive(Math.exp(this.data), [this], 'exp', (out) => {
      this.grad += out.data * out.grad;
    });
  }

  log(): Value {
    return this.derive(Math.log(this.data), [this], 'log', (out) => {
      this.grad += out.grad / this.data;
    });
  }

  tanh(): Value {
    return this.derive(Math.tanh(this.data), [this], 'tanh', (out) => {
      this.grad += (1 - out.data ** 2) * out.grad;
    });
  }

  relu(): Value {
    return this.derive(Math.max(0, this.data), [this], 'ReLU', (out) => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad;
    });
  }

  sigmoid(): Value {
    return this.derive(1 / (1 + Math.exp(-this.data)), [this], 'sigmoid', (out) => {
      this.grad += out.data * (1 - out.data) * out.grad;
    });
  }

  /** Every node reachable from this one, children before parents. */
  topologicalOrder(): Value[] {
    const order: Value[] = [];
    const visited = new Set<Value>();
    const stack: [Value, boolean][] = [[this, false]];
    while (stack.length) {
      const [node, expanded] = stack.pop()!;
      if (expanded) {
        order.push(node);
      } else if (!visited.has(node)) {
        visited.add(node);
        stack.push([node, true]);
        for (const child of node.children) if (!visited.has(child)) stack.push([child, false]);
      }
    }
    return order;
  }

  /** Sets d(this)/d(this) = 1 and accumulates gradients into every node below. */
  backward(): void {
    const order = this.topologicalOrder();
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardStep();
  }

  withLabel(label: string): this {
    this.label = label;
    return this;
  }

  toString(): string {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }
}
