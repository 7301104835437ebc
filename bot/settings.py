"""Settings of the knowledge core, read from the `knowledge_base:` block of endpoints.yml.

endpoints.yml already tells Rasa where the action server is; the same file tells the action
server and `kb` where the knowledge, the index and the encoder are. Rasa ignores the block.

Everything a run writes (the feedback store, the conversation store, import drafts) lives under
`state_dir` (var/); the environment variable `KB_STATE_DIR` moves it for one run, as RASA_PORT and
ACTION_PORT move the ports: the test suite and the benchmarks run their stacks on a temporary one,
so nothing they say lands in the live stores.

Usage:
    settings = Settings.load()            # ./endpoints.yml, or $KB_ENDPOINTS
    settings.index_dir  # → PosixPath('/.../build/index')
    settings.feedback_db  # → PosixPath('/.../var/feedback.db'), or $KB_STATE_DIR/feedback.db
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.indexing.encoder import Precision

SECTION = "knowledge_base"
#: Moves `state_dir` for one run (tests, benchmarks), whatever endpoints.yml says.
STATE_DIR_ENV = "KB_STATE_DIR"


class SettingsError(ValueError):
    """The knowledge_base block of endpoints.yml is invalid; the message names the file and key."""


class Fusion(BaseModel):
    """How the two retrieval legs and the query's evidence are weighed (scores on a 0..1 scale).

    Measured on ../shared/eval/dev_retrieval.jsonl (40 questions): score fusion with a 0.6 dense
    share gave R@1 0.95-0.975 against 0.925 for the best reciprocal-rank fusion (k=2); boosts of
    0.1 for the entry named, the kind asked and the industry named lifted R@1 from 0.875.
    """

    model_config = ConfigDict(extra="forbid")

    dense: float = Field(0.6, ge=0.0, le=1.0)  # share of the dense leg; the lexical leg gets the rest
    candidates: int = Field(50, ge=1)  # per leg
    topic: float = Field(0.1, ge=0.0)  # passage belongs to an entry the question names
    kind: float = Field(0.1, ge=0.0)  # passage is the kind of section the question asks for
    industry: float = Field(0.1, ge=0.0)  # passage is about the industry named (shared among its industries)
    #: Added when the passage is both: the section of the entry named, of the kind asked ("客户情感需求有啥
    #: 特点" → its 特征). Without it another section of that entry whose words are closer could still win:
    #: 0, 0.1, 0.2, 0.3 tried on four sets; 0.2 lowered none and lifted R@1 on dev (0.950 → 0.975) and
    #: fresh set 2 (0.875 → 0.900).
    section: float = Field(0.2, ge=0.0)
    #: Subtracted from an example question's cosine: short questions resemble any short question
    #: (out-of-domain ones scored 0.87-0.88 on them vs 0.83-0.85 on passages), so a question row
    #: wins only on a real paraphrase, not lifting unrelated questions over `min_confidence`.
    question_offset: float = Field(0.03, ge=0.0, lt=1.0)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("build/index")
    #: Generated NLU resources (entity patterns, jieba dictionary); must match the paths in config.yml.
    nlu_dir: Path = Path("build/nlu")
    #: A local sentence-transformers folder or a Hugging Face id (used as is where the hub is reachable).
    encoder: str = "models/multilingual-e5-small"
    #: auto: bfloat16 where the CPU computes it natively (faster), else float32.
    encoder_precision: Precision = "auto"
    #: flat: exact inner product (right up to ~100k passages); hnsw: approximate, for larger bases.
    dense_index: Literal["flat", "hnsw"] = "flat"
    top_k: int = Field(5, ge=1, le=50)
    #: Below this retrieval confidence a question is "not in the knowledge base"; `kb calibrate`
    #: measures it for the current model and knowledge base.
    min_confidence: float = Field(0.0, ge=0.0, le=2.0)
    #: A follow-up leaves the last answer's entry only for a passage elsewhere this much better
    #: (fused score); see endpoints.yml for the measurement.
    context_margin: float = Field(0.15, ge=0.0)
    #: Runners-up within this much of the best passage (fused score) are offered as suggestions.
    alternative_margin: float = Field(0.12, ge=0.0)
    #: Staff telling of their own state get the best passage about staff within this much of the
    #: best passage (fused score); see endpoints.yml for the measurement.
    own_state_margin: float = Field(0.2, ge=0.0)
    fusion: Fusion = Field(default_factory=lambda: Fusion.model_validate({}))
    #: How often the action server looks for a rebuilt index.
    reload_check_seconds: float = Field(1.0, gt=0)
    #: The action server rebuilds the index itself when a knowledge file is saved.
    watch_knowledge: bool = True
    #: Ratings and unanswered questions one sender may record per hour (bot/feedback/limits.py).
    feedback_per_hour: int = Field(30, ge=1, le=10_000)
    #: Where this run keeps what it writes: feedback.db (ratings, the turn log, inbox states),
    #: rasa/tracker.db (conversations; both only without DB_HOST) and drafts/ (imported documents).
    state_dir: Path = Path("var")
    #: Stored questions (turn log, ratings) older than this many days are deleted.
    retention_days: int = Field(180, ge=1, le=3650)
    #: Answers whose margin to the runner-up (fused score) is below this go to the trainers' inbox.
    low_margin: float = Field(0.02, ge=0.0, le=1.0)
    #: Inbox questions whose embeddings are at least this similar (cosine) are grouped together.
    group_similarity: float = Field(0.91, gt=0.0, le=1.0)
    #: `kb import`: larger files are refused.
    import_max_mb: float = Field(20.0, gt=0.0, le=500.0)
    #: Rasa's domain, whose intents knowledge/routing.yml is checked against.
    domain: Path = Path("domain.yml")
    #: Rasa's dialogue rules: the trainer console's hit test follows them as Rasa does (bot/conversation/replay.py).
    rules_dir: Path = Path("data/rules")
    #: Action server: questions answered at once (threads); their encodings are batched together.
    answer_threads: int = Field(8, ge=1, le=64)
    #: Questions arriving within this many milliseconds of each other are encoded in one pass.
    query_batch_wait_ms: float = Field(2.0, ge=0, le=1000)
    query_batch_size: int = Field(16, ge=1, le=256)
    #: Recent question embeddings kept in memory (0 turns the cache off).
    query_cache_size: int = Field(2048, ge=0, le=1_000_000)
    #: Action server: torch threads per model pass. One leaves the other core to the Rasa server;
    #: batching, not threads, gives the throughput (bench: 68 vs 45 questions/s on 2 busy cores).
    encoder_threads: int = Field(1, ge=1, le=64)

    @property
    def feedback_db(self) -> Path:
        """The SQLite feedback store (unused when DB_HOST names a PostgreSQL server)."""
        return self.state_dir / "feedback.db"

    @property
    def tracker_db(self) -> Path:
        """The SQLite conversation store Rasa writes (unused when DB_HOST is set); bot/serving.py."""
        return self.state_dir / "rasa" / "tracker.db"

    @property
    def drafts_dir(self) -> Path:
        """Drafts made by `kb import`: outside knowledge_dir, so never loaded, indexed or served."""
        return self.state_dir / "drafts"

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings; relative paths are resolved against the file's folder (the project root)."""
        settings, base = load_block(cls, SECTION, path, PATHS)
        settings.state_dir = run_state_dir() or settings.state_dir
        if (base / settings.encoder).exists():
            settings.encoder = str((base / settings.encoder).resolve())
        return settings


def run_state_dir() -> Path | None:
    """The state folder `KB_STATE_DIR` sets for one run (relative to where it was set), if any."""
    value = os.environ.get(STATE_DIR_ENV)
    return Path(value).resolve() if value else None


PATHS = ("knowledge_dir", "index_dir", "nlu_dir", "state_dir", "domain", "rules_dir")
Block = TypeVar("Block", bound=BaseModel)


def load_block(model: type[Block], section: str, path: Path | None, paths: Iterable[str]) -> tuple[Block, Path]:
    """The `section` block of endpoints.yml ($KB_ENDPOINTS, else ./endpoints.yml) validated by `model`,
    its `paths` resolved against the file's folder; and that folder."""
    path = Path(path or os.environ.get("KB_ENDPOINTS", "endpoints.yml")).resolve()
    data: dict = {}
    if path.exists():
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(section) or {}
    try:
        block = model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{section}.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"{path}: {problems}") from exc
    for name in paths:
        setattr(block, name, (path.parent / getattr(block, name)).resolve())
    return block, path.parent
