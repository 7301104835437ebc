"""The console's hit test: the live assistant's own answer to a conversation, or the answer an
unsaved draft would give, with the decision trace.

The encoder and the index load once, in the background after start-up (as the action server
does), and the index hot-reloads as the action server's watcher rebuilds it. After a save the
console rebuilds too (under the same build lock; a build the watcher already made is skipped), so
the trainer knows the edit is live before testing it. Work that encodes runs in a small thread
pool: two trainers at once, the rest wait their turn.

Usage:
    tester = HitTester(settings, RasaNlu(url, token))
    turns = tester.live(["客户情绪管理有哪些策略", "举个例子"])
    turns = tester.draft({"concepts/empathy-service.md": text}, ["移情服务到底指什么"])
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.replay import Nlu, ReplayedTurn, Replayer
from bot.indexing.builder import BuildReport, build_index
from bot.indexing.draft import build_draft
from bot.indexing.encoder import Encoder
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings

log = logging.getLogger(__name__)


class HitTester:
    def __init__(self, settings: Settings, nlu: Nlu, encoder: Encoder | None = None) -> None:
        self.settings = settings
        self.nlu = nlu
        self._encoder = encoder  # tests pass a small one; else the model of the settings, loaded lazily
        self._ready = threading.Event()
        self._build_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._loaded: tuple[Encoder, KnowledgeAssistant, Replayer] | None = None

    def _load(self) -> tuple[Encoder, KnowledgeAssistant, Replayer]:
        """The encoder, the assistant and the replayer, loaded once (whichever thread asks first)."""
        with self._load_lock:
            if self._loaded is None:
                encoder = self._encoder or Encoder(self.settings.encoder, self.settings.encoder_precision)
                assistant = KnowledgeAssistant.from_settings(self.settings, encoder, watch=False)
                self._loaded = (encoder, assistant, Replayer.from_settings(self.settings, assistant, self.nlu))
            return self._loaded

    @property
    def encoder(self) -> Encoder:
        return self._load()[0]

    @property
    def assistant(self) -> KnowledgeAssistant:
        return self._load()[1]

    @property
    def replayer(self) -> Replayer:
        return self._load()[2]

    def warm_up(self) -> None:
        """Load the model and the index now (a thread at start-up), not on the first question."""
        try:
            self.assistant.warm_up()
        except Exception:  # a missing model or index is reported again on the first hit test
            log.exception("could not load the encoder and the index for the hit test")
        finally:
            self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def live(self, messages: Sequence[str]) -> list[ReplayedTurn]:
        """The conversation as staff would get it now (raises NluUnavailable without Rasa)."""
        return self.replayer.run(messages)

    def draft(self, drafts: Mapping[str, str | None], messages: Sequence[str]) -> list[ReplayedTurn]:
        """The conversation as staff would get it with `drafts` saved (nothing is written)."""
        with tempfile.TemporaryDirectory(prefix="kb-draft-") as work:
            settings = build_draft(self.settings, drafts, self.encoder, Path(work))
            return self.replayer_for(settings).run(messages)

    def replayer_for(self, settings: Settings | None = None, nlu: Nlu | None = None) -> Replayer:
        """A replayer answering from the index of `settings` (a draft's or a candidate's; None: the
        live one), sharing the loaded encoder and its cache of question embeddings."""
        assistant = self.assistant
        if settings is not None:
            holder = IndexHolder(settings.index_dir, settings.reload_check_seconds)
            assistant = KnowledgeAssistant(Retriever(holder, assistant.retriever.encoder, settings.fusion), settings)
        return Replayer(assistant, nlu or self.nlu, self.replayer.responses, self.replayer.rules)

    def reload(self) -> None:
        """Take up a live index published by someone else (a checked candidate)."""
        self.assistant.retriever.holder.reload()

    def publish(self) -> BuildReport:
        """Rebuild the live index after a save (skipped when the watcher already did)."""
        with self._build_lock:
            report = build_index(self.settings, encoder=self.encoder)
        if not report.skipped:
            log.info("rebuilt index %s after a save (%.2fs)", report.version, report.seconds)
        self.assistant.retriever.holder.reload()
        return report
