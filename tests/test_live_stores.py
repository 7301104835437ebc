"""`make test` leaves the live stores of this checkout untouched (issue 17: fuzz payloads used to
land in var/feedback.db and show up in `kb report` as real questions).

tests/conftest.py points every store of the suite at a temporary folder (KB_STATE_DIR) and takes
a snapshot of the live ones before the first test; this module runs after all the others
(tests/conftest.py orders it last) and compares. tests/integration/test_live_stores.py shows that
a stack started by the suite does write, to its own stores.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import LIVE_STORES_KEY, ROOT, STATE_DIR_ENV, live_store_files, live_store_snapshot


def test_the_suite_keeps_its_stores_out_of_the_checkout() -> None:
    state = Path(os.environ[STATE_DIR_ENV])
    assert state.is_dir() and not state.resolve().is_relative_to(ROOT)
    assert not {"DB_HOST", "REDIS_HOST"} & os.environ.keys()


def test_live_store_files_are_the_checkouts_var_stores() -> None:
    names = {str(path.relative_to(ROOT)) for path in live_store_files()}
    assert {"var/feedback.db", "var/rasa/tracker.db", "var/console/console.db"} <= names


def test_the_suite_left_the_live_stores_untouched(request: pytest.FixtureRequest) -> None:
    before = request.config.stash[LIVE_STORES_KEY]
    changed = {path: (before[path], now) for path, now in live_store_snapshot().items() if before.get(path) != now}
    assert not changed, f"tests wrote to live stores (path: (size, mtime) before, after): {changed}"
