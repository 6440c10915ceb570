"""Writes test/fixtures/python_random.json: what CPython's random module draws, for zerograd's PythonRandom.

Run: /usr/bin/python3 scripts/make_python_random_fixture.py
The makemore lectures shuffle names.txt with random.seed(42); random.shuffle(words) and split at 80% and 90%;
the fixture keeps the first 1,000 shuffled words and both split points.
"""
import json
import os
import random
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Seeds: the lectures' 42, zero, one past 2^32 (two key words), a negative, and a 100-bit integer (four words).
seeds = [42, 0, 2**32 + 5, -7, 2**100 + 12345]
draws = []
for seed in seeds:
    random.seed(seed)
    entry = {'seed': str(seed), 'random': [random.random() for _ in range(5)]}
    entry['randint_0_9'] = [random.randint(0, 9) for _ in range(20)]
    entry['randint_1_1000000'] = [random.randint(1, 1_000_000) for _ in range(10)]
    entry['getrandbits'] = {str(k): [random.getrandbits(k) for _ in range(3)] for k in (1, 7, 32, 33, 48, 53)}
    shuffled = list(range(20))
    random.shuffle(shuffled)
    entry['shuffle_range_20'] = shuffled
    draws.append(entry)

words = open(os.path.join(root, 'data', 'names.txt'), 'r').read().splitlines()
random.seed(42)
random.shuffle(words)
fixture = {
    'command': '/usr/bin/python3 scripts/make_python_random_fixture.py',
    'python': sys.version.split()[0],
    'draws': draws,
    'names': {'count': len(words), 'n1': int(0.8 * len(words)), 'n2': int(0.9 * len(words)), 'first1000': words[:1000]},
}
with open(os.path.join(root, 'test', 'fixtures', 'python_random.json'), 'w') as f:
    json.dump(fixture, f, indent=1)
    f.write('\n')
print(f"{len(words)} words, n1 {fixture['names']['n1']}, n2 {fixture['names']['n2']}, first {words[:3]}")
