#!/usr/bin/python3
"""GPT checkpoints against nanoGPT's real model.py (../shared/reference/nanoGPT, MIT), in both directions.

1. Builds nanoGPT's GPT (weights tied, causal-mask buffers on PyTorch < 2.0), saves its state_dict as
   test/fixtures/torch_gpt.safetensors and records its logits for fixed token ids.
2. Loads test/fixtures/zerograd_gpt.safetensors (written by zerograd: `npm run build &&
   node dist/scripts/make_zerograd_gpt_fixture.js`) into nanoGPT's GPT with load_state_dict(strict=True)
   and records its logits.
3. Writes test/fixtures/hf_gpt2.safetensors in Hugging Face's GPT-2 layout (no `transformer.` prefix, Conv1D
   weights stored (in, out), h.N.attn.bias mask buffers, no lm_head) and converts it with nanoGPT's own
   GPT.from_pretrained code (transformers stood in for by these tensors, the size shrunk), recording the
   logits of the converted model.
Results go to test/fixtures/torch_gpt.json. Run with Debian's torch: /usr/bin/python3 scripts/make_torch_gpt_fixture.py
"""
import json
import os
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "reference", "nanoGPT"))
import model as nanogpt  # noqa: E402  nanoGPT's model.py
import safetensors_io  # noqa: E402

CONFIG = dict(vocab_size=11, block_size=6, n_embd=12, n_head=3, n_layer=2, dropout=0.0, bias=True)
# GPT-2's head size is 64, which gpt2Config assumes: the smallest model with it.
HF_CONFIG = dict(vocab_size=50, block_size=16, n_embd=128, n_head=2, n_layer=2, dropout=0.0, bias=True)


def full_logits(model, idx):
    """nanoGPT's forward returns every position's logits only when given targets."""
    logits, _ = model(idx, idx)
    return logits.detach().reshape(-1).tolist()


def hugging_face_gpt2(generator):
    """A random GPT-2 in the layout of Hugging Face's model.safetensors."""
    c, C = HF_CONFIG, HF_CONFIG["n_embd"]
    t = lambda *shape: torch.randn(*shape, generator=generator) * 0.1  # noqa: E731
    tensors = {"wte.weight": t(c["vocab_size"], C), "wpe.weight": t(c["block_size"], C), "ln_f.weight": 1 + t(C), "ln_f.bias": t(C)}
    for i in range(c["n_layer"]):
        h = f"h.{i}."
        tensors.update({
            h + "ln_1.weight": 1 + t(C), h + "ln_1.bias": t(C), h + "ln_2.weight": 1 + t(C), h + "ln_2.bias": t(C),
            h + "attn.c_attn.weight": t(C, 3 * C), h + "attn.c_attn.bias": t(3 * C),  # Conv1D: (in, out)
            h + "attn.c_proj.weight": t(C, C), h + "attn.c_proj.bias": t(C),
            h + "mlp.c_fc.weight": t(C, 4 * C), h + "mlp.c_fc.bias": t(4 * C),
            h + "mlp.c_proj.weight": t(4 * C, C), h + "mlp.c_proj.bias": t(C),
            h + "attn.bias": torch.tril(torch.ones(c["block_size"], c["block_size"])).view(1, 1, c["block_size"], c["block_size"]),
        })
    return tensors


def from_pretrained_with(hf_tensors):
    """nanoGPT's GPT.from_pretrained, unchanged, reading these tensors instead of downloading GPT-2."""
    class GPT2LMHeadModel:
        @staticmethod
        def from_pretrained(_name):
            lm = GPT2LMHeadModel()
            lm.sd = {"transformer." + k: v for k, v in hf_tensors.items()}
            lm.sd["lm_head.weight"] = hf_tensors["wte.weight"]
            return lm

        def state_dict(self):
            return self.sd

    sys.modules["transformers"] = types.SimpleNamespace(GPT2LMHeadModel=GPT2LMHeadModel)
    real_config = nanogpt.GPTConfig
    nanogpt.GPTConfig = lambda **given: real_config(**{**given, **HF_CONFIG})  # the 124M sizes, shrunk
    try:
        return nanogpt.GPT.from_pretrained("gpt2")
    finally:
        nanogpt.GPTConfig = real_config


def main():
    torch.manual_seed(0)
    model = nanogpt.GPT(nanogpt.GPTConfig(**CONFIG))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    model.eval()
    idx = torch.randint(0, CONFIG["vocab_size"], (2, CONFIG["block_size"]))
    safetensors_io.save(model.state_dict(), os.path.join(FIXTURES, "torch_gpt.safetensors"))
    result = {"torch_version": torch.__version__, "config": CONFIG, "idx": idx.tolist(),
              "state_dict_keys": list(model.state_dict().keys()), "torch_weights_logits": full_logits(model, idx)}
    zerograd_file = os.path.join(FIXTURES, "zerograd_gpt.safetensors")
    if os.path.exists(zerograd_file):
        weights, _ = safetensors_io.load(zerograd_file)
        model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
        result["zerograd_weights_logits"] = full_logits(model, idx)

    hf = hugging_face_gpt2(torch.Generator().manual_seed(1))
    safetensors_io.save(hf, os.path.join(FIXTURES, "hf_gpt2.safetensors"))
    converted = from_pretrained_with(hf)
    converted.eval()
    hf_idx = torch.randint(0, HF_CONFIG["vocab_size"], (2, HF_CONFIG["block_size"]), generator=torch.Generator().manual_seed(2))
    result["hf_gpt2"] = {"config": HF_CONFIG, "idx": hf_idx.tolist(), "logits": full_logits(converted, hf_idx)}
    with open(os.path.join(FIXTURES, "torch_gpt.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")
    print("wrote torch_gpt.safetensors, hf_gpt2.safetensors and torch_gpt.json", "(with zerograd weights)" if "zerograd_weights_logits" in result else "")


if __name__ == "__main__":
    main()
