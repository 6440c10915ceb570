// The text a learner starts from and the text of a reference solution as a learner's file would read, shared by
// `zerograd practice` and the playground's practice page.
import type { Problem } from './problem.js';

/** The starter: the statement as a comment, then the problem's imports and signatures. */
export function starterText(problem: Problem): string {
  const comment = [
    `Problem ${problem.id}: ${problem.title}`, '', ...problem.statement.split('\n'), '',
    `Check it:  npx zerograd practice check ${problem.id}`,
    `After a try, the reference solution:  npx zerograd practice solution ${problem.id}`,
  ];
  return `/**\n${comment.map((line) => (line ? ` * ${line}` : ' *')).join('\n')}\n */\n${problem.starter}\n`;
}

/** A reference solution's source (src/lessons/solutions/) importing from 'zerograd', as a learner's file does. */
export const asLearnerFile = (source: string): string => source.replace(/from '\.\.\/practice\/library\.js'/g, "from 'zerograd'");
