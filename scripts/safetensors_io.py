"""Reads and writes safetensors files with numpy alone (Debian's python3-torch ships no safetensors package)."""
import json
import struct

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "F16": "<f2", "BF16": "<u2"}


def save(tensors, path, metadata=None):
    """tensors: name -> numpy array or torch tensor (written as float32 unless integer; torch float16 and bfloat16
    tensors keep their dtype, bfloat16 as its raw bits, which numpy has no type for)."""
    header, offset, chunks = {}, 0, []
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name in tensors:
        value = tensors[name]
        half = {"torch.float16": "F16", "torch.bfloat16": "BF16"}.get(str(getattr(value, "dtype", "")))
        if half:
            import torch  # only a torch tensor can be 16-bit here, so torch is there

            array = value.detach().cpu().contiguous().view(torch.int16).numpy()
            code, data = half, array.tobytes()
        else:
            array = value.detach().cpu().contiguous().numpy() if hasattr(value, "detach") else np.asarray(value)
            code = "I32" if np.issubdtype(array.dtype, np.integer) else "F32"
            data = np.ascontiguousarray(array.astype(DTYPES[code])).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    blob = json.dumps(header).encode()
    blob += b" " * ((8 - (8 + len(blob)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob + b"".join(chunks))


def load(path):
    """name -> numpy array, and the metadata."""
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=DTYPES[entry["dtype"]]).copy().reshape(entry["shape"])
    return out, metadata
