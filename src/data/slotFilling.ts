import { defaultNames } from './defaultNames.js';
import type { TaggedSentence } from './labelled.js';
import { Generator } from '../core/random.js';

/** One piece of a request: words outside any slot, or the words of a slot value tagged B-/I-slot. */
type Piece = string | { slot: string; words: string };

const CITIES = ['boston', 'denver', 'atlanta', 'dallas', 'seattle', 'chicago', 'miami', 'phoenix', 'detroit', 'houston',
  'new york', 'san francisco', 'los angeles', 'salt lake city', 'las vegas', 'kansas city', 'pittsburgh', 'baltimore',
  'washington', 'oakland', 'orlando', 'san diego', 'new orleans', 'memphis', 'nashville', 'charlotte', 'toronto',
  'montreal', 'philadelphia', 'st. louis', 'minneapolis', 'tampa', 'cleveland', 'milwaukee', 'indianapolis'];
const AIRLINES = ['united', 'delta', 'american', 'continental', 'us air', 'northwest', 'alaska airlines', 'southwest', 'air canada', 'twa'];
const CLASSES = ['first class', 'business class', 'economy', 'coach'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'tenth', 'twelfth', 'fifteenth', 'twentieth', 'twenty first', 'thirtieth'];
const CLOCK = ['7 am', '8 am', '8:30 am', '10 am', 'noon', '1 pm', '3 pm', '5 pm', '6:15 pm', '9 pm', 'midnight'];
const PERIODS = ['morning', 'afternoon', 'evening', 'night'];
const OPENERS = ['', '', '', 'please', 'hi', 'hello', 'um', 'okay', 'i need help'];

/**
 * Requests with slots to fill, ATIS style. The same city fills fromloc, toloc or stoploc depending on
 * the words around it, and passenger names come from the names corpus (most are seen once), so a tagger
 * has to read context rather than memorise words.
 */
const TEMPLATES: ((r: Pick) => Piece[])[] = [
  (r) => ['i want to fly from', r.from(), 'to', r.to(), ...r.date()],
  (r) => ['show me flights from', r.from(), 'to', r.to(), ...r.date()],
  (r) => ['book a', r.cabin(), 'ticket on', r.airline(), 'from', r.from(), 'to', r.to()],
  (r) => ['are there any flights to', r.to(), 'leaving', r.from(), ...r.time()],
  (r) => ['i need a flight to', r.to(), 'from', r.from(), 'arriving', ...r.time()],
  (r) => ['what', r.airline(), 'flights go from', r.from(), 'to', r.to(), 'with a stop in', r.stop()],
  (r) => ['list flights leaving', r.from(), ...r.date(), ...r.time(), 'and arriving in', r.to()],
  (r) => ['book', r.name(), 'on the', r.clock(), 'flight from', r.from(), 'to', r.to()],
  (r) => ['cheapest fare from', r.from(), 'to', r.to(), 'in', r.cabin()],
  (r) => [r.from(), 'to', r.to(), ...r.date(), 'please'],
  (r) => ['flights into', r.to(), 'from', r.from(), 'stopping in', r.stop()],
  (r) => ['please find a flight for', r.name(), 'to', r.to(), ...r.date()],
  (r) => ['does', r.airline(), 'fly from', r.from(), 'to', r.to(), ...r.date(), ...r.time()],
  (r) => ['i would like to go to', r.to(), ...r.date(), 'from', r.from()],
  (r) => ['reserve a seat for', r.name(), 'from', r.from(), 'to', r.to(), 'in', r.cabin()],
  (r) => ['how much is a', r.cabin(), 'ticket to', r.to()],
  (r) => ['what flights depart', r.from(), ...r.time(), 'for', r.to()],
  (r) => ['get me from', r.from(), 'to', r.to(), 'via', r.stop(), 'on', r.airline()],
  // Terse requests where only word order says which city is which, as users type them.
  (r) => ['flights', r.from(), r.to(), ...r.date()],
  (r) => [r.airline(), r.from(), r.to(), ...r.time()],
  (r) => ['move', r.name(), 'to the', r.clock(), 'flight to', r.to()],
];

class Pick {
  constructor(private readonly g: Generator, private readonly names: readonly string[]) {}

  private choice<T>(items: readonly T[]): T {
    return items[Math.floor(this.g.random() * items.length)];
  }

  from = (): Piece => ({ slot: 'fromloc', words: this.choice(CITIES) });
  to = (): Piece => ({ slot: 'toloc', words: this.choice(CITIES) });
  stop = (): Piece => ({ slot: 'stoploc', words: this.choice(CITIES) });
  airline = (): Piece => ({ slot: 'airline', words: this.choice(AIRLINES) });
  cabin = (): Piece => ({ slot: 'class', words: this.choice(CLASSES) });
  name = (): Piece => ({ slot: 'name', words: this.choice(this.names) });
  clock = (): Piece => ({ slot: 'time', words: this.choice(CLOCK) });

  date = (): Piece[] => {
    const kind = this.g.random();
    if (kind < 0.25) return [{ slot: 'date', words: this.choice(['today', 'tomorrow']) }];
    if (kind < 0.5) return ['on', { slot: 'date', words: this.choice(DAYS) }];
    if (kind < 0.7) return [{ slot: 'date', words: `next ${this.choice(DAYS)}` }];
    return ['on', { slot: 'date', words: `${this.choice(MONTHS)} ${this.choice(ORDINALS)}` }];
  };

  time = (): Piece[] => (this.g.random() < 0.5
    ? ['at', { slot: 'time', words: this.choice(CLOCK) }]
    : ['in the', { slot: 'time', words: this.choice(PERIODS) }]);

  opener = (): Piece[] => {
    const word = this.choice(OPENERS);
    return word ? [word] : [];
  };
}

function tagPieces(pieces: Piece[]): TaggedSentence {
  const sentence: TaggedSentence = { tokens: [], tags: [] };
  for (const piece of pieces) {
    const words = (typeof piece === 'string' ? piece : piece.words).split(' ');
    words.forEach((word, i) => {
      sentence.tokens.push(word);
      sentence.tags.push(typeof piece === 'string' ? 'O' : `${i === 0 ? 'B' : 'I'}-${piece.slot}`);
    });
  }
  return sentence;
}

/** `count` travel requests tagged in BIO format (fromloc, toloc, stoploc, date, time, airline, class, name). */
export function slotFillingCorpus(count: number, seed = 42): TaggedSentence[] {
  const generator = new Generator(seed);
  const pick = new Pick(generator, defaultNames());
  return Array.from({ length: count }, () => {
    const template = TEMPLATES[Math.floor(generator.random() * TEMPLATES.length)];
    return tagPieces([...pick.opener(), ...template(pick)]);
  });
}
