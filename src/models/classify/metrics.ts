export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  perClass: ClassReport[];
  macroF1: number;
  /** confusion[i][j]: examples of labels[i] predicted as labels[j]. */
  confusion: number[][];
  labels: string[];
}

/** Accuracy, per-class precision/recall/F1 (0 where undefined), macro F1 and the confusion matrix. */
export function classificationReport(truth: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassificationReport {
  if (truth.length !== predicted.length) throw new Error(`classificationReport: ${truth.length} labels but ${predicted.length} predictions`);
  const classes = labels ? [...labels] : [...new Set([...truth, ...predicted])].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const confusion = classes.map(() => new Array<number>(classes.length).fill(0));
  truth.forEach((t, k) => confusion[index.get(t)!][index.get(predicted[k])!]++);
  const perClass = classes.map((label, i) => {
    const tp = confusion[i][i];
    const predictedCount = confusion.reduce((s, row) => s + row[i], 0);
    const support = confusion[i].reduce((s, v) => s + v, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const correct = classes.reduce((s, _, i) => s + confusion[i][i], 0);
  return {
    accuracy: truth.length ? correct / truth.length : 0,
    perClass,
    macroF1: perClass.reduce((s, c) => s + c.f1, 0) / Math.max(1, perClass.length),
    confusion,
    labels: classes,
  };
}

/** Tagging accuracy over all tokens and over tokens whose true tag is not `outside` ("O"). */
export function taggingAccuracy(truth: readonly string[][], predicted: readonly string[][], outside = 'O'): { all: number; entities: number } {
  let all = 0;
  let correct = 0;
  let entities = 0;
  let entityCorrect = 0;
  truth.forEach((tags, s) => tags.forEach((tag, t) => {
    const hit = predicted[s][t] === tag;
    all++;
    if (hit) correct++;
    if (tag !== outside) {
      entities++;
      if (hit) entityCorrect++;
    }
  }));
  return { all: all ? correct / all : 0, entities: entities ? entityCorrect / entities : 0 };
}
