#!/usr/bin/python3
"""Writes test/fixtures/torch_rnn.json: forward outputs, final states and gradients of torch.nn.RNN, LSTM and
GRU (two layers, batch > 1) with their weights, for test/nn/recurrent.test.ts; and the same for makemore.py's
RNN and GRU name models (their cells written out below as makemore.py writes them), for
test/models/makemore.test.ts.

    /usr/bin/python3 scripts/make_torch_rnn_fixture.py

Each case stores the module's state dict, the input and initial states, and what PyTorch computes from them
in float32: outputs, final states, and the gradients of a fixed loss with respect to the input, the initial
states and every parameter.
"""
import json
import os

import torch

# (name, module, batch_first, unbatched)
CASES = [
    ("rnn_tanh", lambda: torch.nn.RNN(3, 5, num_layers=2), False, False),
    ("rnn_relu_batch_first", lambda: torch.nn.RNN(3, 4, num_layers=2, nonlinearity="relu", batch_first=True), True, False),
    ("lstm", lambda: torch.nn.LSTM(3, 5, num_layers=2), False, False),
    ("lstm_batch_first_no_bias", lambda: torch.nn.LSTM(4, 3, num_layers=2, bias=False, batch_first=True), True, False),
    ("gru", lambda: torch.nn.GRU(3, 5, num_layers=2), False, False),
    ("gru_unbatched", lambda: torch.nn.GRU(3, 4, num_layers=1), False, True),
]
T, B = 4, 2


def flat(t):
    return t.detach().reshape(-1).tolist()


def case(name, make, batch_first, unbatched):
    g = torch.Generator().manual_seed(sum(map(ord, name)))
    module = make()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.rand(p.shape, generator=g) - 0.5)
    lstm = isinstance(module, torch.nn.LSTM)
    layers, hidden = module.num_layers, module.hidden_size
    x_shape = [T, module.input_size] if unbatched else ([B, T, module.input_size] if batch_first else [T, B, module.input_size])
    state_shape = [layers, hidden] if unbatched else [layers, B, hidden]
    x = (torch.rand(x_shape, generator=g) * 2 - 1).requires_grad_()
    h0 = (torch.rand(state_shape, generator=g) - 0.5).requires_grad_()
    c0 = (torch.rand(state_shape, generator=g) - 0.5).requires_grad_()
    if lstm:
        output, (hn, cn) = module(x, (h0, c0))
    else:
        output, hn = module(x, h0)
    # A loss that weighs every output and state element differently, so a transposed gradient shows.
    weights = torch.linspace(-1, 1, output.numel()).reshape(output.shape)
    loss = (output * weights).sum() + (hn ** 2).sum()
    if lstm:
        loss = loss + (cn * 0.5).sum()
    loss.backward()
    result = {
        "module": type(module).__name__,
        "inputSize": module.input_size, "hiddenSize": hidden, "numLayers": layers,
        "bias": module.bias, "batchFirst": batch_first,
        "nonlinearity": getattr(module, "nonlinearity", None),
        "state": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in module.state_dict().items()},
        "x": {"shape": x_shape, "values": flat(x)},
        "h0": flat(h0), "stateShape": state_shape,
        "output": {"shape": list(output.shape), "values": flat(output)},
        "hn": flat(hn),
        "grads": {"x": flat(x.grad), "h0": flat(h0.grad), **{k: flat(p.grad) for k, p in module.named_parameters()}},
    }
    if lstm:
        result.update({"c0": flat(c0), "cn": flat(cn)})
        result["grads"]["c0"] = flat(c0.grad)
    return name, result


class RNNCell(torch.nn.Module):
    """makemore.py's RNNCell."""
    def __init__(self, n_embd, n_embd2):
        super().__init__()
        self.xh_to_h = torch.nn.Linear(n_embd + n_embd2, n_embd2)

    def forward(self, xt, hprev):
        return torch.tanh(self.xh_to_h(torch.cat([xt, hprev], dim=1)))


class GRUCell(torch.nn.Module):
    """makemore.py's GRUCell."""
    def __init__(self, n_embd, n_embd2):
        super().__init__()
        self.xh_to_z = torch.nn.Linear(n_embd + n_embd2, n_embd2)
        self.xh_to_r = torch.nn.Linear(n_embd + n_embd2, n_embd2)
        self.xh_to_hbar = torch.nn.Linear(n_embd + n_embd2, n_embd2)

    def forward(self, xt, hprev):
        xh = torch.cat([xt, hprev], dim=1)
        r = torch.sigmoid(self.xh_to_r(xh))
        hprev_reset = r * hprev
        xhr = torch.cat([xt, hprev_reset], dim=1)
        hbar = torch.tanh(self.xh_to_hbar(xhr))
        z = torch.sigmoid(self.xh_to_z(xh))
        return (1 - z) * hprev + z * hbar


class MakemoreRNN(torch.nn.Module):
    """makemore.py's RNN model; forward returns every position's logits, as there."""
    def __init__(self, vocab_size, n_embd, n_embd2, cell_type):
        super().__init__()
        self.start = torch.nn.Parameter(torch.zeros(1, n_embd2))
        self.wte = torch.nn.Embedding(vocab_size, n_embd)
        self.cell = RNNCell(n_embd, n_embd2) if cell_type == "rnn" else GRUCell(n_embd, n_embd2)
        self.lm_head = torch.nn.Linear(n_embd2, vocab_size)

    def forward(self, idx):
        b, t = idx.size()
        emb = self.wte(idx)
        hprev = self.start.expand((b, -1))
        hiddens = []
        for i in range(t):
            hprev = self.cell(emb[:, i, :], hprev)
            hiddens.append(hprev)
        return self.lm_head(torch.stack(hiddens, 1))


def makemore_case(cell_type):
    g = torch.Generator().manual_seed(7 if cell_type == "rnn" else 8)
    vocab, n_embd, n_embd2, b, t = 27, 6, 5, 3, 7
    model = MakemoreRNN(vocab, n_embd, n_embd2, cell_type)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=g) - 0.5)
    idx = torch.randint(0, vocab, (b, t), generator=g)
    targets = torch.randint(0, vocab, (b,), generator=g)
    logits = model(idx)[:, -1, :]
    loss = torch.nn.functional.cross_entropy(logits, targets)
    loss.backward()
    return {
        "nEmbd": n_embd, "nHidden": n_embd2, "vocabSize": vocab,
        "state": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in model.state_dict().items()},
        "idx": {"shape": [b, t], "values": idx.reshape(-1).tolist()}, "targets": targets.tolist(),
        "logits": flat(logits), "loss": loss.item(),
        "grads": {k: flat(p.grad) for k, p in model.named_parameters()},
    }


def main():
    out = {"torch": torch.__version__, "cases": dict(case(*c) for c in CASES),
           "makemore": {cell: makemore_case(cell) for cell in ("rnn", "gru")}}
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch_rnn.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {path}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
