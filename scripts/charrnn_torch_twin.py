#!/usr/bin/python3
"""The PyTorch twin of `zerograd charrnn train`: the same char-rnn (Embedding, stacked nn.LSTM, Dropout, Linear),
the same text split (the last 10% held out), batches of random windows, AdamW (betas 0.9, 0.99; weight decay on the
LSTM and read-out matrices, not the embedding), nanoGPT's warmup and cosine schedule to lr/10 and clipping at 1.0.
Prints the parameter count, the train and val loss (means over --eval-iters random batches, as the recipe's
estimate) and the time per step. Batches come from torch's generator, not zerograd's.

    /usr/bin/python3 scripts/charrnn_torch_twin.py data/tinyshakespeare.txt [--steps 5000] [--threads 1]
"""
import argparse
import math
import time

import torch


class CharLSTM(torch.nn.Module):
    def __init__(self, vocab, n_embd, n_hidden, n_layer, dropout):
        super().__init__()
        self.wte = torch.nn.Embedding(vocab, n_embd)
        self.lstm = torch.nn.LSTM(n_embd, n_hidden, num_layers=n_layer, dropout=dropout if n_layer > 1 else 0, batch_first=True)
        self.drop = torch.nn.Dropout(dropout)
        self.lm_head = torch.nn.Linear(n_hidden, vocab)

    def forward(self, idx, targets):
        hidden, _ = self.lstm(self.wte(idx))
        logits = self.lm_head(self.drop(hidden))
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--steps", type=int, default=5000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--block-size", type=int, default=32)
    p.add_argument("--n-embd", type=int, default=64)
    p.add_argument("--n-hidden", type=int, default=120)
    p.add_argument("--n-layer", type=int, default=2)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--eval-iters", type=int, default=50)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    text = open(a.data, encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    splits = {"train": data[:n], "val": data[n:]}

    def batch(split):
        d = splits[split]
        ix = torch.randint(len(d) - a.block_size, (a.batch_size,))
        return torch.stack([d[i:i + a.block_size] for i in ix]), torch.stack([d[i + 1:i + 1 + a.block_size] for i in ix])

    model = CharLSTM(len(chars), a.n_embd, a.n_hidden, a.n_layer, a.dropout)
    decay = [p for name, p in model.named_parameters() if p.dim() >= 2 and not name.startswith("wte")]
    other = [p for name, p in model.named_parameters() if not (p.dim() >= 2 and not name.startswith("wte"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.99))
    warmup, min_lr = min(100, a.steps // 10), a.lr / 10

    def lr_at(step):
        if step < warmup:
            return a.lr * (step + 1) / (warmup + 1)
        progress = (step - warmup) / max(1, a.steps - warmup)
        return min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (a.lr - min_lr)

    start = time.time()
    for step in range(a.steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        x, y = batch("train")
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    per_step = (time.time() - start) / a.steps
    model.eval()
    with torch.no_grad():
        losses = {s: sum(model(*batch(s)).item() for _ in range(a.eval_iters)) / a.eval_iters for s in ("train", "val")}
    params = sum(p.numel() for p in model.parameters())
    print(f"PyTorch {torch.__version__} char-rnn: {params} parameters, {a.steps} steps, {per_step * 1000:.1f} ms/step ({a.threads} thread)")
    print(f"train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")


if __name__ == "__main__":
    main()
