"""PyTorch's CPU random streams, for zerograd's torch-stream Generator (test/tensor/torchRandom.test.ts).

Writes test/fixtures/torch_random.json: the first values of each sampling function and shape class (the scalar and
the 16-wide vectorised randn, float32 and float64, draws across calls), nn.Linear's and nn.Embedding's
initialisation and dropout masks under torch.manual_seed, the bigram lecture's first sampled names and the
README example's loss. PyTorch 1.13 from Debian's python3-torch, on x86-64 with AVX2.

Run: /usr/bin/python3 scripts/make_torch_random_fixture.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 2147483647


def g(seed=SEED):
    return torch.Generator().manual_seed(seed)


def values(t):
    return [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]


cases = {}


def case(name, tensor, **meta):
    cases[name] = {"shape": list(tensor.shape), "dtype": str(tensor.dtype).replace("torch.", ""), "values": values(tensor), **meta}


words = np.random.RandomState(SEED).randint(0, 2**32, size=1000, dtype=np.uint64)
cases["mt19937_words"] = {"shape": [1000], "dtype": "uint32", "values": [int(w) for w in words]}
case("rand_1000", torch.rand(1000, generator=g()))
case("rand_float64_1000", torch.rand(1000, generator=g(), dtype=torch.float64))
for n in [7, 15, 16, 37, 1000]:
    case(f"randn_{n}", torch.randn(n, generator=g()))
case("randn_float64_1000", torch.randn(1000, generator=g(), dtype=torch.float64))
case("randn_float64_7", torch.randn(7, generator=g(), dtype=torch.float64))
gen = g()
first, second, third = torch.randn(3, generator=gen), torch.randn(3, generator=gen), torch.rand(2, generator=gen)
case("randn_3_then_3_then_rand_2", torch.cat([first, second, third]))
case("randn_27x27", torch.randn(27, 27, generator=g()))
case("randint_0_27_1000", torch.randint(0, 27, (1000,), generator=g()))
case("randint_5_17_100", torch.randint(5, 17, (100,), generator=g(7)))
case("randint_huge_range_20", torch.randint(0, 2**33, (20,), generator=g()))
case("randperm_10", torch.randperm(10, generator=g()))
case("randperm_1000", torch.randperm(1000, generator=g()))
probs = torch.rand(5, 7, generator=g(1))
case("multinomial_probs", probs)
case("multinomial_1_with_replacement", torch.multinomial(probs, 1, replacement=True, generator=g()))
case("multinomial_1000_with_replacement", torch.multinomial(probs[0], 1000, replacement=True, generator=g()))
case("multinomial_1_without_replacement", torch.multinomial(probs, 1, replacement=False, generator=g()))
case("multinomial_4_without_replacement", torch.multinomial(probs, 4, replacement=False, generator=g()))
case("normal_mean_half_std_2_1000", torch.empty(1000).normal_(0.5, 2, generator=g()))
case("normal_mean_half_std_2_9", torch.empty(9).normal_(0.5, 2, generator=g()))
case("uniform_minus_0.3_0.7_1000", torch.empty(1000).uniform_(-0.3, 0.7, generator=g()))
case("bernoulli_0.3_1000", torch.empty(1000).bernoulli_(0.3, generator=g()))
torch.manual_seed(SEED)
case("dropout_0.2_ones_1000", F.dropout(torch.ones(1000), 0.2, training=True))
for fan_in, fan_out in [(5, 3), (64, 32)]:
    torch.manual_seed(SEED)
    layer = torch.nn.Linear(fan_in, fan_out)
    case(f"linear_{fan_in}_{fan_out}_weight", layer.weight.detach())
    case(f"linear_{fan_in}_{fan_out}_bias", layer.bias.detach())
torch.manual_seed(SEED)
case("embedding_10_8", torch.nn.Embedding(10, 8).weight.detach())

# DataLoader's order: the iterator draws a base seed (two words) from the loader's generator, RandomSampler then
# permutes, and at the end of each epoch draws one more permutation that it discards.
from torch.utils.data import DataLoader, TensorDataset

def epochs(loader, n=2):
    return [[batch[0].tolist() for batch in loader] for _ in range(n)]

dataset = TensorDataset(torch.arange(10), torch.arange(10) * 10)
cases["dataloader_generator_42_batch_4"] = {"values": epochs(DataLoader(dataset, batch_size=4, shuffle=True, generator=g(42)))}
cases["dataloader_generator_42_batch_4_drop_last"] = {"values": epochs(DataLoader(dataset, batch_size=4, shuffle=True, generator=g(42), drop_last=True))}
torch.manual_seed(7)
cases["dataloader_default_generator_seed_7"] = {"values": epochs(DataLoader(dataset, batch_size=3, shuffle=True))}
first = next(iter(DataLoader(TensorDataset(torch.arange(12.0).reshape(6, 2), torch.arange(6)), batch_size=4, shuffle=True, generator=g(3))))
cases["dataloader_first_batch_collated"] = {"values": [first[0].tolist(), first[1].tolist()]}

# The bigram lecture (makemore part 1): counts + 1, then names sampled from g = torch.Generator().manual_seed(2147483647).
names = open(os.path.join(os.path.dirname(__file__), "..", "data", "names.txt")).read().splitlines()
chars = sorted(set("".join(names)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
N = torch.zeros((27, 27), dtype=torch.int32)
for w in names:
    seq = ["."] + list(w) + ["."]
    for a, b in zip(seq, seq[1:]):
        N[stoi[a], stoi[b]] += 1
P = (N + 1).float()
P /= P.sum(1, keepdims=True)
gen = g()
sampled = []
for _ in range(5):
    ix, out = 0, ""
    while True:
        ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=gen).item()
        out += itos[ix]
        if ix == 0:
            break
    sampled.append(out)
cases["bigram_names"] = {"values": sampled}

# The README's example: a 27x27 table from the lecture seed, the cross-entropy of five bigrams.
W = torch.randn((27, 27), generator=g(), requires_grad=True)
loss = F.cross_entropy(W[torch.tensor([0, 5, 13, 13, 1])], torch.tensor([5, 13, 13, 1, 0]))
cases["readme_loss"] = {"values": [loss.item()]}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_random.json")
with open(path, "w") as f:
    json.dump({"torch_version": torch.__version__, "seed": SEED, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}; bigram names {sampled}, README loss {loss.item():.4f}")
