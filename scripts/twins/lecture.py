"""Shared by the lecture twins: the makemore lectures' data (random.seed(42) shuffle, 80/90% split) and the fixture.

Each twin runs a lecture's own code for as many steps as zerograd's lesson script runs (its default and its --fast
mode) and writes test/fixtures/twins/<lesson>.json: the batch losses at steps 0, 1, 10, 100 and 1,000 (those that
exist) and the final train and validation losses, with the command that made them.
"""
import argparse
import json
import os
import random
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECORDED_STEPS = (0, 1, 10, 100, 1000)


def mode():
    """'fast' or 'full', from the command line, as the lesson scripts take --fast."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--fast', action='store_true', help="the step count of the lesson's --fast run")
    return 'fast' if parser.parse_args().fast else 'full'


def lecture_words(block_size):
    """The makemore lectures' cells: read names.txt, build the vocabulary, shuffle with random.seed(42), split."""
    words = open(os.path.join(ROOT, 'data', 'names.txt'), 'r').read().splitlines()
    chars = sorted(list(set(''.join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i: s for s, i in stoi.items()}

    def build_dataset(words):
        X, Y = [], []
        for w in words:
            context = [0] * block_size
            for ch in w + '.':
                ix = stoi[ch]
                X.append(context)
                Y.append(ix)
                context = context[1:] + [ix]  # crop and append
        return torch.tensor(X), torch.tensor(Y)

    random.seed(42)
    random.shuffle(words)
    n1 = int(0.8 * len(words))
    n2 = int(0.9 * len(words))
    splits = {'train': build_dataset(words[:n1]), 'val': build_dataset(words[n1:n2]), 'test': build_dataset(words[n2:])}
    return splits, len(itos)


def recorded(losses):
    """The batch losses at the recorded steps that the run reached."""
    return {str(s): losses[s] for s in RECORDED_STEPS if s < len(losses)}


def write_fixture(lesson, lecture, run_mode, run):
    """Merges this mode's run into test/fixtures/twins/<lesson>.json, keeping the other mode's."""
    path = os.path.join(ROOT, 'test', 'fixtures', 'twins', f'{lesson}.json')
    fixture = json.load(open(path)) if os.path.exists(path) else {'lesson': lesson, 'lecture': lecture, 'runs': {}}
    fixture['lecture'] = lecture
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    run = {'command': f"/usr/bin/python3 {script}{' --fast' if run_mode == 'fast' else ''}", 'torch': torch.__version__, **run}
    fixture['runs'][run_mode] = run
    with open(path, 'w') as f:
        json.dump(fixture, f, indent=2)
        f.write('\n')
    steps = ', '.join(f'{s}: {v:.4f}' for s, v in run['losses'].items())
    print(f"{lesson} ({run_mode}, {run['steps']} steps): {steps}; train {run['train']:.4f}, val {run['val']:.4f}")
