"""What one sender may write into the feedback store."""

from __future__ import annotations

import pytest

from bot.feedback.limits import FeedbackGate
from tests.clocks import SecondsClock


def test_one_rating_per_sender_and_answer_in_either_direction() -> None:
    gate = FeedbackGate()
    assert gate.admit("negative", "rest:u1", question="q", answer="答案一")
    assert not gate.admit("negative", "rest:u1", question="q", answer="答案一")
    assert not gate.admit("positive", "rest:u1", question="q", answer="答案一")
    assert gate.admit("negative", "rest:u1", question="q", answer="答案二")  # another answer
    assert gate.admit("negative", "rest:u2", question="q", answer="答案一")  # another sender


def test_an_unanswered_question_is_recorded_once_per_sender() -> None:
    gate = FeedbackGate()
    assert gate.admit("unanswered", "rest:u1", question="区块链 在服务中怎么用", answer="")
    assert not gate.admit("unanswered", "rest:u1", question=" 区块链  在服务中怎么用", answer="")
    assert gate.admit("unanswered", "rest:u2", question="区块链 在服务中怎么用", answer="")  # counts for kb report


def test_unanswered_questions_are_compared_as_they_are_stored_masked() -> None:
    gate = FeedbackGate()
    assert gate.admit("unanswered", "rest:u1", question="客户138 1234 5678的卡被冻结了怎么办", answer="")
    assert not gate.admit("unanswered", "rest:u1", question="客户13987654321的卡被冻结了怎么办", answer="")


def test_a_sender_records_at_most_per_hour_then_again_an_hour_later() -> None:
    clock = SecondsClock()
    gate = FeedbackGate(per_hour=30, clock=clock)
    admitted = [gate.admit("unanswered", "rest:flood", question=f"问题{n}", answer="") for n in range(300)]
    assert sum(admitted) == 30  # the review's 300 unanswered questions in 41 s
    assert gate.admit("unanswered", "rest:colleague", question="问题1", answer="")
    clock.now = 3600.0
    assert gate.admit("unanswered", "rest:flood", question="问题300", answer="")


def test_the_memory_is_bounded() -> None:
    clock = SecondsClock()
    gate = FeedbackGate(per_hour=10_000, remember=100, clock=clock)
    for n in range(1000):
        gate.admit("negative", f"rest:u{n}", question="q", answer="a")
    assert len(gate._seen) <= 100 and len(gate._recent) <= 100
    clock.now = 86400.0
    assert gate.admit("negative", "rest:u999", question="q", answer="a")  # forgotten after a day


def test_bounds_must_be_positive() -> None:
    with pytest.raises(ValueError):
        FeedbackGate(per_hour=0)
