"""Lecture twin of examples/03-mlp.ts: makemore part 2's final MLP (makemore_part2_mlp.ipynb cells 6, 22-30).

Run: /usr/bin/python3 scripts/twins/mlp.py [--fast]
The lecture's code for the lesson's step count (30,000, or 500 under --fast) with the lesson's decay point
(20,000, or 400): the notebook trains 200,000 steps with lr 0.1, then 0.01 from step 100,000. Its cell 27 draws the
batches from the unseeded global generator; the twin draws them from g, as parts 3 to 5 and the recipes do.
"""
import torch
import torch.nn.functional as F

from lecture import lecture_words, mode, recorded, write_fixture

torch.set_num_threads(1)
run_mode = mode()
max_steps, decay_at = (500, 400) if run_mode == 'fast' else (30_000, 20_000)
splits, vocab_size = lecture_words(block_size=3)
Xtr, Ytr = splits['train']

g = torch.Generator().manual_seed(2147483647)  # for reproducibility
C = torch.randn((27, 10), generator=g)
W1 = torch.randn((30, 200), generator=g)
b1 = torch.randn(200, generator=g)
W2 = torch.randn((200, 27), generator=g)
b2 = torch.randn(27, generator=g)
parameters = [C, W1, b1, W2, b2]
for p in parameters:
    p.requires_grad = True

lossi = []
for i in range(max_steps):
    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    # forward pass
    emb = C[Xtr[ix]]  # (32, 3, 10)
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (32, 200)
    logits = h @ W2 + b2  # (32, 27)
    loss = F.cross_entropy(logits, Ytr[ix])
    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()
    # update
    lr = 0.1 if i < decay_at else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    lossi.append(loss.item())


@torch.no_grad()
def split_loss(X, Y):
    emb = C[X]
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
    logits = h @ W2 + b2
    return F.cross_entropy(logits, Y).item()


write_fixture('03-mlp', 'karpathy/nn-zero-to-hero lectures/makemore/makemore_part2_mlp.ipynb, cells 6 and 22-30', run_mode, {
    'steps': max_steps, 'lr': f'0.1, 0.01 from step {decay_at}', 'losses': recorded(lossi),
    'train': split_loss(*splits['train']), 'val': split_loss(*splits['val']),
})
