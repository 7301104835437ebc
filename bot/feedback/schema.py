"""The tables of the feedback store, and the upgrade of a store written by an earlier version.

- `feedback`: 👍/👎 ratings (the answer and its citations as the user saw them), linked to the turn
  they rate (`turn_id`);
- `turns`: the turn log, one row per answered, not-found or clarified question (masked);
- `inbox_marks`: how trainers handled inbox questions (attached, saved as a test case, ...);
- `case_runs`: the saved test cases' pass rate at each run (`kb test`, the console), for the dashboard;
- `feedback_schema`: the version of this layout.

Not "events": that is the table of Rasa's SQL tracker store, which may share the database.

Version 1 (before the turn log) stored unanswered questions as `feedback` rows of kind
"unanswered", unmasked. `upgrade` moves them to `turns`, masks every stored question, and adds the
new column and indexes. Each step is idempotent and safe when two processes start at once on a
version-1 store (the move deletes before it inserts, so only one of them gets the rows).

Usage:
    engine = sa.create_engine("sqlite:///var/feedback.db")
    upgrade(engine)
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from bot.feedback.privacy import mask_personal_data

VERSION = 2

metadata = sa.MetaData()

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.Text, nullable=False),  # ISO 8601, UTC, seconds: compares as text
    sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('positive', 'negative', 'unanswered')"), nullable=False),
    sa.Column("sender", sa.Text, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("sources", sa.Text, nullable=False),
    sa.Column("turn_id", sa.Integer, nullable=True),  # the rated turn (None: rated before the turn log)
    sa.Index("feedback_kind", "kind"),
)
#: Added by the upgrade (create_all does not add indexes to an existing table).
FEEDBACK_CREATED = sa.Index("feedback_created", feedback.c.created)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("sender", sa.Text, nullable=False),
    sa.Column("question", sa.Text, nullable=False),  # masked
    sa.Column("status", sa.Text, sa.CheckConstraint("status IN ('answer', 'not_found', 'clarify')"), nullable=False),
    sa.Column("entry_id", sa.Text, nullable=True),  # of the first passage answered
    sa.Column("section", sa.Text, nullable=True),
    sa.Column("passages", sa.Text, nullable=False, server_default="[]"),  # JSON list of passage ids answered
    sa.Column("margin", sa.Float, nullable=True),  # fused score over the runner-up of another entry
    sa.Column("decided_by", sa.Text, nullable=True),  # the rule that decided (bot/conversation/trace.py)
    sa.Column("message_id", sa.Text, nullable=True),  # the user message in Rasa's conversation store
    sa.Index("turns_created", "created"),
    sa.Index("turns_sender", "sender", "id"),
    sa.Index("turns_status", "status"),
)

inbox_marks = sa.Table(
    "inbox_marks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item", sa.Text, nullable=False),  # "turn:12" or "rating:5" (bot/inbox/items.py)
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # e.g. the section attached to
    sa.Column("handled", sa.Text, nullable=False),
    sa.Column("handled_by", sa.Text, nullable=False, server_default=""),
    sa.Index("inbox_marks_item", "item"),
    sa.Index("inbox_marks_handled", "handled"),
)

case_runs = sa.Table(
    "case_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # "kb test", "console" (run all), "check" (before publishing)
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("passed", sa.Integer, nullable=False),
    sa.Column("published", sa.Integer, nullable=True),  # a check: 1 once its change was published
    sa.Column("by", sa.Text, nullable=False, server_default=""),
    sa.Index("case_runs_created", "created"),
)

schema_version = sa.Table(
    "feedback_schema",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def upgrade(engine: sa.Engine) -> None:
    """Create what is missing and bring a version-1 store to this layout."""
    metadata.create_all(engine)
    with engine.connect() as db:
        current = db.execute(sa.select(schema_version.c.value).where(schema_version.c.key == "version")).scalar()
    if current is not None and int(current) >= VERSION:
        return
    if "turn_id" not in {c["name"] for c in sa.inspect(engine).get_columns("feedback")}:
        try:
            with engine.begin() as db:
                db.execute(sa.text("ALTER TABLE feedback ADD COLUMN turn_id INTEGER"))
        except sa.exc.DBAPIError:  # another process added it first
            if "turn_id" not in {c["name"] for c in sa.inspect(engine).get_columns("feedback")}:
                raise
    FEEDBACK_CREATED.create(engine, checkfirst=True)
    with contextlib.suppress(sa.exc.IntegrityError):  # another process wrote the version row first: it did the same
        _move_and_mask(engine)


def _move_and_mask(engine: sa.Engine) -> None:
    with engine.begin() as db:
        moved = db.execute(
            feedback.delete()
            .where(feedback.c.kind == "unanswered")
            .returning(feedback.c.created, feedback.c.sender, feedback.c.question)
        ).all()
        if moved:
            db.execute(
                turns.insert(),
                [
                    {
                        "created": created,
                        "sender": sender,
                        "question": mask_personal_data(question),
                        "status": "not_found",
                    }
                    for created, sender, question in moved
                ],
            )
        for row_id, question, answer in db.execute(
            sa.select(feedback.c.id, feedback.c.question, feedback.c.answer)
        ).all():
            masked = (mask_personal_data(question), mask_personal_data(answer))
            if masked != (question, answer):
                db.execute(
                    feedback.update().where(feedback.c.id == row_id).values(question=masked[0], answer=masked[1])
                )
        db.execute(schema_version.delete().where(schema_version.c.key == "version"))
        db.execute(schema_version.insert().values(key="version", value=str(VERSION)))
