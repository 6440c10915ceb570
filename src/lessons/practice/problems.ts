// The course's 13 coding problems, in its order, and the reference solutions the judge checks them against.
import type { Exports, Problem } from './problem.js';
import { problem as p1 } from './problems/01-gradientDescent.js';
import { problem as p2 } from './problems/02-multivariateGradientDescent.js';
import { problem as p3 } from './problems/03-linearRegression.js';
import { problem as p4 } from './problems/04-pytorchBasics.js';
import { problem as p5 } from './problems/05-digitRecognizer.js';
import { problem as p6 } from './problems/06-introToNlp.js';
import { problem as p7 } from './problems/07-sentimentAnalysis.js';
import { problem as p8 } from './problems/08-gptDataset.js';
import { problem as p9 } from './problems/09-selfAttention.js';
import { problem as p10 } from './problems/10-multiHeadedSelfAttention.js';
import { problem as p11 } from './problems/11-transformerBlock.js';
import { problem as p12 } from './problems/12-gpt.js';
import { problem as p13 } from './problems/13-talkBack.js';
import * as s1 from '../solutions/01-gradientDescent.js';
import * as s2 from '../solutions/02-multivariateGradientDescent.js';
import * as s3 from '../solutions/03-linearRegression.js';
import * as s4 from '../solutions/04-pytorchBasics.js';
import * as s5 from '../solutions/05-digitRecognizer.js';
import * as s6 from '../solutions/06-introToNlp.js';
import * as s7 from '../solutions/07-sentimentAnalysis.js';
import * as s8 from '../solutions/08-gptDataset.js';
import * as s9 from '../solutions/09-selfAttention.js';
import * as s10 from '../solutions/10-multiHeadedSelfAttention.js';
import * as s11 from '../solutions/11-transformerBlock.js';
import * as s12 from '../solutions/12-gpt.js';
import * as s13 from '../solutions/13-talkBack.js';

export const PROBLEMS: readonly Problem[] = [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13];

/** Each problem's reference solution (src/lessons/solutions/), by problem id. */
export const REFERENCE: Record<number, Exports> = { 1: s1, 2: s2, 3: s3, 4: s4, 5: s5, 6: s6, 7: s7, 8: s8, 9: s9, 10: s10, 11: s11, 12: s12, 13: s13 };

/** The reference solutions' files in src/lessons/solutions/, by problem id, for printing them. */
export const SOLUTION_FILES: Record<number, string> = Object.fromEntries([
  '01-gradientDescent', '02-multivariateGradientDescent', '03-linearRegression', '04-pytorchBasics', '05-digitRecognizer', '06-introToNlp',
  '07-sentimentAnalysis', '08-gptDataset', '09-selfAttention', '10-multiHeadedSelfAttention', '11-transformerBlock', '12-gpt', '13-talkBack',
].map((name, i) => [i + 1, `${name}.ts`]));

/** Problem `id`, or an error listing the ids there are. */
export function problemById(id: number | string): Problem {
  const found = PROBLEMS.find((p) => String(p.id) === String(id).replace(/^0+/, ''));
  if (!found) throw new Error(`there is no problem ${id}; the problems are 1 to ${PROBLEMS.length} ('zerograd practice list')`);
  return found;
}
