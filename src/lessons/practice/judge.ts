// The judge: runs each case of a problem on a learner's exports and reports it passed or failed, with the input,
// the expected answer, the learner's, and a hint when the answer is what a common mistake gives.
import { type CaseData, type CaseResult, type Exports, type Problem, compareValues, describe, looksLike } from './problem.js';

/** Messages of errors a learner's code throws, turned into what to do about them. */
const ERROR_HINTS: [RegExp, string][] = [
  [/not implemented/i, 'replace the starter\'s `throw new Error(\'not implemented\')` with your code'],
  [/cannot read properties of undefined \(reading 'forward'\)/i, 'a layer is used before the constructor creates it'],
];

export function judge(problem: Problem, learner: Exports, cases: readonly CaseData[], reference: Exports): CaseResult[] {
  return cases.map((data, i) => {
    const name = `case ${i + 1}${data.course ? " (the course's example)" : ''}`;
    let input = `${problem.title}, ${name}`;
    let expected: unknown = data.expected;
    let errorHints = ERROR_HINTS;
    try {
      const trial = problem.trial(learner, data, reference);
      errorHints = [...(trial.errorHints ?? []), ...ERROR_HINTS];
      input = trial.input;
      expected = trial.expected;
      const got = trial.answer();
      const verdict = trial.check ? trial.check(got) : compareValues(trial.expected, got, trial.decimals);
      const hint = verdict.passed ? undefined : trial.mistakes?.().find((m) => looksLike(m.output, got))?.hint ?? verdict.hint;
      return { name, passed: verdict.passed, input, expected: describe(expected), got: describe(got), ...(hint ? { hint } : {}) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = errorHints.find(([pattern]) => pattern.test(message))?.[1];
      return { name, passed: false, input, expected: describe(expected), got: `error: ${message.split('\n')[0]}`, ...(hint ? { hint } : {}) };
    }
  });
}
