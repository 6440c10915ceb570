import { noGrad } from '../../tensor/autograd.js';
import { oneHot } from '../../tensor/ops/indexing.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The parameters of the lecture's 2-layer MLP with one BatchNorm layer. */
export interface NinjaParams {
  C: Tensor;
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
  bngain: Tensor;
  bnbias: Tensor;
}

/** Every intermediate of the forward pass, in the order the lecture computes them. */
export interface Atoms {
  emb: Tensor; embcat: Tensor; hprebn: Tensor; bnmeani: Tensor; bndiff: Tensor; bndiff2: Tensor; bnvar: Tensor;
  bnvar_inv: Tensor; bnraw: Tensor; hpreact: Tensor; h: Tensor; logits: Tensor; logit_maxes: Tensor;
  norm_logits: Tensor; counts: Tensor; counts_sum: Tensor; counts_sum_inv: Tensor; probs: Tensor;
  logprobs: Tensor; loss: Tensor;
}

/**
 * The forward pass broken into atoms small enough to differentiate by hand (makemore part 4). Each
 * intermediate keeps its autograd gradient so the manual one can be compared with it.
 */
export function forwardAtoms(p: NinjaParams, Xb: Tensor, Yb: Tensor): Atoms {
  const n = Xb.shape[0];
  const emb = p.C.index(Xb);
  const embcat = emb.view(n, -1);
  const hprebn = embcat.matmul(p.W1).add(p.b1);
  const bnmeani = hprebn.sum(0, true).mul(1 / n);
  const bndiff = hprebn.sub(bnmeani);
  const bndiff2 = bndiff.pow(2);
  // Bessel's correction (n - 1), as the lecture argues for small batches.
  const bnvar = bndiff2.sum(0, true).mul(1 / (n - 1));
  const bnvar_inv = bnvar.add(1e-5).pow(-0.5);
  const bnraw = bndiff.mul(bnvar_inv);
  const hpreact = p.bngain.mul(bnraw).add(p.bnbias);
  const h = hpreact.tanh();
  const logits = h.matmul(p.W2).add(p.b2);
  const logit_maxes = logits.max(1, true);
  const norm_logits = logits.sub(logit_maxes);
  const counts = norm_logits.exp();
  const counts_sum = counts.sum(1, true);
  const counts_sum_inv = counts_sum.pow(-1);
  const probs = counts.mul(counts_sum_inv);
  const logprobs = probs.log();
  const loss = logprobs.pick(Yb).mean().neg();
  const atoms = { emb, embcat, hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvar_inv, bnraw, hpreact, h, logits,
    logit_maxes, norm_logits, counts, counts_sum, counts_sum_inv, probs, logprobs, loss };
  for (const t of Object.values(atoms)) if (t.requiresGrad) t.retainGrad();
  return atoms;
}

/**
 * Backpropagation written out by hand for every atom, the lecture's exercise 1: each line is the
 * chain rule for one forward line, read bottom-up. Returns d(loss)/d(x) for the atoms and parameters.
 */
export function manualBackward(p: NinjaParams, Xb: Tensor, Yb: Tensor, a: Atoms): Record<string, Tensor> {
  return noGrad(() => {
    const n = Xb.shape[0];
    const V = a.logits.shape[1];
    const dlogprobs = oneHot(Yb, V).mul(-1 / n);
    const dprobs = a.probs.reciprocal().mul(dlogprobs);
    const dcounts_sum_inv = a.counts.mul(dprobs).sum(1, true);
    const dcounts_sum = a.counts_sum.pow(-2).neg().mul(dcounts_sum_inv);
    // counts feeds both probs and counts_sum, so its gradient has two terms.
    const dcounts = a.counts_sum_inv.mul(dprobs).add(dcounts_sum);
    const dnorm_logits = a.counts.mul(dcounts);
    // Subtracting the row max only stabilises exp(), so its gradient is ~0, but the chain rule still runs
    // through it: back to the argmax position of each row.
    const dlogit_maxes = dnorm_logits.neg().sum(1, true);
    const dlogits = dnorm_logits.add(oneHot(a.logits.argmax(1), V).mul(dlogit_maxes));
    const dh = dlogits.matmul(p.W2.T);
    const dW2 = a.h.T.matmul(dlogits);
    const db2 = dlogits.sum(0);
    const dhpreact = a.h.square().neg().add(1).mul(dh);
    const dbngain = a.bnraw.mul(dhpreact).sum(0, true);
    const dbnbias = dhpreact.sum(0, true);
    const dbnraw = p.bngain.mul(dhpreact);
    const dbnvar_inv = a.bndiff.mul(dbnraw).sum(0, true);
    const dbnvar = a.bnvar.add(1e-5).pow(-1.5).mul(-0.5).mul(dbnvar_inv);
    const dbndiff2 = dbnvar.mul(1 / (n - 1)).expand(...a.bndiff2.shape);
    const dbndiff = a.bnvar_inv.mul(dbnraw).add(a.bndiff.mul(2).mul(dbndiff2));
    const dbnmeani = dbndiff.neg().sum(0, true);
    const dhprebn = dbndiff.add(dbnmeani.mul(1 / n));
    const dembcat = dhprebn.matmul(p.W1.T);
    const dW1 = a.embcat.T.matmul(dhprebn);
    const db1 = dhprebn.sum(0);
    const demb = dembcat.view(...a.emb.shape);
    // Each embedding row receives the gradients of every position that looked it up.
    const dC = oneHot(Xb.reshape(-1), p.C.shape[0]).T.matmul(demb.reshape(-1, p.C.shape[1]));
    return { logprobs: dlogprobs, probs: dprobs, counts_sum_inv: dcounts_sum_inv, counts_sum: dcounts_sum, counts: dcounts,
      norm_logits: dnorm_logits, logit_maxes: dlogit_maxes, logits: dlogits, h: dh, W2: dW2, b2: db2, hpreact: dhpreact, bngain: dbngain,
      bnbias: dbnbias, bnraw: dbnraw, bnvar_inv: dbnvar_inv, bnvar: dbnvar, bndiff2: dbndiff2, bndiff: dbndiff,
      bnmeani: dbnmeani, hprebn: dhprebn, embcat: dembcat, W1: dW1, b1: db1, emb: demb, C: dC };
  });
}

/** Exercise 2: d(loss)/d(logits) of cross-entropy in one expression, (softmax - onehot) / n. */
export function fusedCrossEntropyBackward(logits: Tensor, Yb: Tensor): Tensor {
  return noGrad(() => logits.softmax(1).sub(oneHot(Yb, logits.shape[1])).mul(1 / logits.shape[0]));
}

/** Exercise 3: d(loss)/d(hprebn) through the whole BatchNorm layer in one expression. */
export function fusedBatchNormBackward(p: NinjaParams, a: Atoms, dhpreact: Tensor): Tensor {
  return noGrad(() => {
    const n = dhpreact.shape[0];
    const scale = p.bngain.mul(a.bnvar_inv).mul(1 / n);
    const sumTerm = dhpreact.sum(0, true);
    const projection = a.bnraw.mul(dhpreact.mul(a.bnraw).sum(0, true)).mul(n / (n - 1));
    return scale.mul(dhpreact.mul(n).sub(sumTerm).sub(projection));
  });
}
