"""The intent guard on Rasa messages, with entities as the knowledge entity extractor sets them."""

from __future__ import annotations

import json

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.intent_guard import (
    MAX_RATING_CHARS,
    OVERRULED,
    KnowledgeIntentGuard,
    addresses_assistant,
    asks_rather_than_rates,
    asks_what_else_is,
    bare_name,
    no_content,
    redirects,
)


def topic(text: str, name: str) -> dict:
    start = text.index(name)
    return {"entity": "topic", "value": "x", "start": start, "end": start + len(name)}


@pytest.mark.parametrize(
    "text,name",
    [
        ("期望确认理论", "期望确认理论"),
        ("KANO？", "KANO"),
        (" Zappos ", "Zappos"),
        ("马斯洛呢", "马斯洛"),
        ("《华为》", "华为"),
    ],
)
def test_a_message_that_is_only_a_name(text: str, name: str) -> None:
    assert bare_name(text, [topic(text, name)])


@pytest.mark.parametrize("text,name", [("什么是期望确认理论", "期望确认理论"), ("KANO有案例吗", "KANO")])
def test_a_question_about_a_name_is_not_bare(text: str, name: str) -> None:
    assert not bare_name(text, [topic(text, name)])


def test_two_names_are_not_one_bare_name() -> None:
    text = "移情服务 KANO"
    assert not bare_name(text, [topic(text, "移情服务"), topic(text, "KANO")])


@pytest.mark.parametrize("text", ["asdfghjkl", "<script>alert(1)</script>", "' OR 1=1; DROP TABLE events;--", "!!!"])
def test_junk_has_no_content(text: str) -> None:
    assert no_content(text, [])


@pytest.mark.parametrize("text", ["你好", "SERVQUAL 是什么", "<b>移情服务</b>"])
def test_chinese_or_a_known_name_is_content(text: str) -> None:
    entities = [topic(text, "SERVQUAL")] if "SERVQUAL" in text else []
    assert not no_content(text, entities)


def message(text: str, intent: str, entities: list[dict] | None = None) -> Message:
    msg = Message(
        {
            TEXT: text,
            INTENT: {"name": intent, "confidence": 0.9},
            INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.9}, {"name": "greet", "confidence": 0.1}],
        }
    )
    msg.set(ENTITIES, entities or [])
    return msg


def guard() -> KnowledgeIntentGuard:
    """The guard without kind cues (no vocabulary file): the other rules alone."""
    return KnowledgeIntentGuard(
        {**KnowledgeIntentGuard.get_default_config(), "vocabulary": "/nonexistent/vocabulary.json"}
    )


def test_process_rewrites_only_the_two_cases() -> None:
    named = message("期望确认理论", "nlu_fallback", [topic("期望确认理论", "期望确认理论")])
    junk = message("asdfghjkl", "thank")
    normal = message("谢谢", "thank")
    payload = message("/feedback_positive", "feedback_positive")
    guard().process([named, junk, normal, payload])
    assert named.get(INTENT)["name"] == "ask_definition"
    assert named.get(INTENT_RANKING_KEY)[0] == {"name": "ask_definition", "confidence": 1.0}
    assert junk.get(INTENT)["name"] == "nlu_fallback"
    assert normal.get(INTENT)["name"] == "thank"
    assert payload.get(INTENT)["name"] == "feedback_positive"


# --- a rating is short and names nothing --------------------------------------------------------


@pytest.mark.parametrize("text", ["讲得很清楚", "没帮助", "有用", "不对", "太棒了！！！", "答非所问 ！ ？"])
def test_a_short_message_naming_nothing_may_rate(text: str) -> None:
    assert not asks_rather_than_rates(text, [])


@pytest.mark.parametrize("text", ["他还是不依不饶 咋整", "对我们有啥启发", "这个怎么用", "哪个更好"])
def test_a_short_message_with_a_question_word_asks(text: str) -> None:
    assert asks_rather_than_rates(text, [])


def test_a_situation_asked_how_to_handle_gets_the_best_other_intent() -> None:
    message = ranked("他还是不依不饶 咋整", [("feedback_negative", 0.7), ("ask_strategy", 0.2)])
    guard().process([message])
    assert message.get(INTENT)["name"] == "ask_strategy"


@pytest.mark.parametrize(
    "text",
    [
        "不是问这个 我是想知道具体该怎么做",  # a correction: longer than any rating
        "不用讲原因 直接告诉我现场怎么处理",
        "什么是移情服务 13912340001",
        "ＡＢＣＤＥＦＧＨＩＪＫＬＭ",  # thirteen letters once width-folded
    ],
)
def test_a_longer_message_asks(text: str) -> None:
    assert asks_rather_than_rates(text, [])


def test_a_message_naming_a_topic_asks() -> None:
    assert asks_rather_than_rates("KANO呢", [topic("KANO呢", "KANO")])
    assert not asks_rather_than_rates("银行呢", [{"entity": "industry", "value": "银行", "start": 0, "end": 2}])


def test_the_length_of_a_rating_counts_content_only() -> None:
    assert not asks_rather_than_rates("很" * MAX_RATING_CHARS + "！？。 ，", [])
    assert asks_rather_than_rates("很" * (MAX_RATING_CHARS + 1), [])


def ranked(text: str, ranking: list[tuple[str, float]], entities: list[dict] | None = None) -> Message:
    msg = Message(
        {
            TEXT: text,
            INTENT: {"name": ranking[0][0], "confidence": ranking[0][1]},
            INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    msg.set(ENTITIES, entities or [])
    return msg


def test_a_correction_taken_for_a_rating_gets_the_best_other_intent() -> None:
    message = ranked(
        "不是问这个 我是想知道具体该怎么做",
        [("feedback_negative", 0.6), ("feedback_positive", 0.2), ("correct", 0.15), ("ask_strategy", 0.05)],
    )
    guard().process([message])
    assert message.get(INTENT) == {"name": "correct", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [
        "correct",
        "feedback_negative",
        "feedback_positive",
        "ask_strategy",
    ]


@pytest.mark.parametrize(
    "text",
    ["不是问这个", "别讲理论了 说怎么做", "换成酒店的呢", "答偏了", "我问的是步骤", "說反了"],
)
def test_a_correction_says_what_it_turns_away(text: str) -> None:
    assert redirects(text)


@pytest.mark.parametrize("text", ["那道歉的时候要怎么说", "后来那个客户怎么样了", "具体分几步"])
def test_a_plain_question_corrects_nothing(text: str) -> None:
    assert not redirects(text)


def test_a_question_taken_for_a_correction_gets_the_best_other_intent() -> None:
    message = ranked("那道歉的时候要怎么说", [("correct", 0.5), ("inform", 0.3), ("ask_strategy", 0.2)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(OVERRULED)["name"] == "correct"


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        # it asked about the knowledge base: never the goodbye nor a question about the assistant
        (
            "银行员工碰到危机需要啥样的心理素质",
            [("correct", 0.4), ("goodbye", 0.3), ("bot_capabilities", 0.2), ("ask_strategy", 0.1)],
            "ask_strategy",
        ),
        # out of scope ranked first is the classifier's verdict to keep
        (
            "理财经理直播带货合规上要注意啥",
            [("correct", 0.4), ("out_of_scope", 0.3), ("ask_strategy", 0.2)],
            "out_of_scope",
        ),
    ],
)
def test_what_a_question_taken_for_a_correction_becomes(text: str, ranking: list, expected: str) -> None:
    message = ranked(text, ranking)
    guard().process([message])
    assert message.get(INTENT)["name"] == expected


def test_a_correction_stays_a_correction() -> None:
    message = ranked("不是问这个 我想知道怎么做", [("correct", 0.5), ("inform", 0.3)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "correct", "confidence": 0.5}


def test_a_question_naming_a_topic_is_no_rating() -> None:
    text = "移情服务挺好"
    message = ranked(text, [("feedback_positive", 0.7), ("ask_definition", 0.3)], [topic(text, "移情服务")])
    guard().process([message])
    assert message.get(INTENT)["name"] == "ask_definition"


def test_without_another_intent_it_is_the_fallback() -> None:
    message = ranked("这个回答一点都没有解决我遇到的实际问题", [("feedback_negative", 0.9)])
    guard().process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_a_short_rating_stays_a_rating() -> None:
    message = ranked("没帮助", [("feedback_negative", 0.8), ("correct", 0.2)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "feedback_negative", "confidence": 0.8}


def test_other_intents_are_not_checked_for_length() -> None:
    message = ranked("不是问这个 我是想知道具体该怎么做", [("correct", 0.8), ("feedback_negative", 0.2)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "correct", "confidence": 0.8}


def test_the_rating_intents_are_configurable() -> None:
    config = {**KnowledgeIntentGuard.get_default_config(), "rating_intents": ["thank"]}
    message = ranked("谢谢你这么详细地讲了客户情绪管理的策略", [("thank", 0.9), ("feedback_positive", 0.1)])
    KnowledgeIntentGuard(config).process([message])
    assert message.get(INTENT)["name"] == "feedback_positive"


@pytest.mark.parametrize("text", ["首问负责制是啥", "什么是服务补救？", "NPS什么意思呢", "客户旅程地图是指什么"])
def test_asking_what_something_else_is(text: str) -> None:
    assert asks_what_else_is(text)


@pytest.mark.parametrize(
    "text", ["你是啥", "你的功能是啥", "这个机器人是什么", "这是什么", "帮助", "你能做什么", "啥是"]
)
def test_asking_about_the_assistant_or_nothing(text: str) -> None:
    assert not asks_what_else_is(text)


def test_a_term_question_taken_for_capabilities_asks_for_the_definition() -> None:
    message = ranked("首问负责制是啥", [("bot_capabilities", 0.7), ("ask_definition", 0.2)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_definition", "confidence": 1.0}


def test_a_question_naming_an_entry_taken_for_capabilities_asks_about_it() -> None:
    text = "KANO模型是干嘛用的"
    message = ranked(text, [("bot_capabilities", 0.6), ("ask_importance", 0.3)], [topic(text, "KANO模型")])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_importance", "confidence": 1.0}
    asked = "你能讲KANO模型吗"
    addressed = ranked(asked, [("bot_capabilities", 0.6), ("ask_definition", 0.3)], [topic(asked, "KANO模型")])
    guard().process([addressed])
    assert addressed.get(INTENT)["name"] == "bot_capabilities"


def test_a_question_naming_an_entry_never_becomes_a_rating() -> None:
    """DIET's runner-up may be a rating: a question about an entry records no 👎."""
    text = "KANO在里头干嘛用"
    ranking = [("bot_capabilities", 0.98), ("feedback_negative", 0.01), ("greet", 0.005), ("ask_application", 0.003)]
    message = ranked(text, ranking, [topic(text, "KANO")])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_application", "confidence": 1.0}


def test_a_capabilities_question_stays() -> None:
    message = ranked("你的功能是啥", [("bot_capabilities", 0.9), ("ask_definition", 0.1)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "bot_capabilities", "confidence": 0.9}


def test_an_unsure_message_naming_an_entry_asks_about_it() -> None:
    text = "马斯洛需求"
    message = ranked(text, [("nlu_fallback", 0.45), ("greet", 0.2)], [topic(text, "马斯洛")])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_definition", "confidence": 1.0}


def test_an_unsure_message_naming_nothing_stays_unsure() -> None:
    message = ranked("那个啥来着", [("nlu_fallback", 0.45), ("greet", 0.2)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.45}


def test_a_message_naming_an_entry_is_in_scope() -> None:
    """The knowledge action decides, with its coverage evidence, whether an entry's name answers it."""
    text = "员工压力大怎么办"
    message = ranked(text, [("out_of_scope", 1.0), ("ask_strategy", 0.0)], [topic(text, "员工压力")])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_strategy", "confidence": 1.0}
    assert message.get(OVERRULED) == {"name": "out_of_scope", "confidence": 1.0}  # evidence for the action


def test_out_of_scope_naming_nothing_stays() -> None:
    message = ranked("网点的监控录像能给客户看吗", [("out_of_scope", 0.97), ("ask_strategy", 0.03)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.97}
    assert message.get(OVERRULED) is None


# --- follow-ups the classifier missed ------------------------------------------------------------


@pytest.fixture
def cued(tmp_path) -> KnowledgeIntentGuard:
    """A guard over a vocabulary whose kind cues include 说明了什么 and 怎么做."""
    path = tmp_path / "vocabulary.json"
    path.write_text(
        json.dumps({"names": {}, "kind_cues": ["说明了什么", "怎么做", "启示", "启发", "是什么"]}), encoding="utf-8"
    )
    return KnowledgeIntentGuard({**KnowledgeIntentGuard.get_default_config(), "vocabulary": str(path)})


@pytest.mark.parametrize("intent", ["bot_capabilities", "nlu_fallback"])
def test_a_kind_asked_after_an_answer_follows_up(cued: KnowledgeIntentGuard, intent: str) -> None:
    message = ranked("这说明了啥", [(intent, 0.8), ("greet", 0.1)])
    cued.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(OVERRULED) == {"name": intent, "confidence": 0.8}


def test_a_kind_asked_taken_for_out_of_scope_follows_up_with_that_verdict(cued: KnowledgeIntentGuard) -> None:
    """ "讲讲启示" names nothing; the action weighs the classifier's out of scope against its words."""
    message = ranked("讲讲启示", [("out_of_scope", 0.99), ("goodbye", 0.01)])
    cued.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(OVERRULED) == {"name": "out_of_scope", "confidence": 0.99}


def test_a_demonstrative_with_more_to_say_points_at_the_answer(cued: KnowledgeIntentGuard) -> None:
    message = ranked("这个说明了啥", [("bot_capabilities", 0.99), ("greet", 0.01)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "inform"


def test_a_kind_asked_taken_for_a_rating_then_for_capabilities_follows_up(cued: KnowledgeIntentGuard) -> None:
    """启发 is praise in the ratings' examples; the runner-up, a question about the assistant, is no
    better: the message asks for a case's lesson."""
    message = ranked(
        "对我们开餐厅的有什么启发", [("feedback_positive", 1.0), ("bot_capabilities", 0.99), ("ask_theory", 0.001)]
    )
    cued.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(OVERRULED)["name"] == "feedback_positive"


def test_a_rating_asking_nothing_of_a_kind_gets_the_runner_up(cued: KnowledgeIntentGuard) -> None:
    message = ranked("这些内容是从哪份材料里整理出来的", [("feedback_positive", 0.9), ("bot_capabilities", 0.8)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "bot_capabilities"


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("你能做什么", True),
        ("这个助手怎么用", True),
        ("这是什么", True),
        ("这个是干嘛的？", True),
        ("这个说明了啥", False),
        ("行里一般会安排什么培训练这个", False),
        ("领导那头能帮我们做点啥", False),
    ],
)
def test_addressing_the_assistant(text: str, addresses: bool) -> None:
    assert addresses_assistant(text) is addresses


@pytest.mark.parametrize("text", ["这是什么", "这个是干嘛的"])
def test_pointing_and_asking_alone_asks_about_the_assistant(cued: KnowledgeIntentGuard, text: str) -> None:
    """Even when 是什么 is a cue: with nothing else said, "this" is the assistant the user just opened."""
    message = ranked(text, [("bot_capabilities", 0.88)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "bot_capabilities"


@pytest.mark.parametrize("intent", ["feedback_positive", "feedback_negative", "thank"])
@pytest.mark.parametrize("text", ["启发", "启示呢？", " 说明了什么 "])
def test_a_bare_kind_cue_asks_for_that_kind(cued: KnowledgeIntentGuard, intent: str, text: str) -> None:
    message = ranked(text, [(intent, 0.97), ("ask_more", 0.02)])
    cued.process([message])
    assert message.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert message.get(OVERRULED)["name"] == intent


@pytest.mark.parametrize("text", ["很有启发", "启发很大 谢谢"])
def test_a_cue_word_inside_a_rating_leaves_it_a_rating(cued: KnowledgeIntentGuard, text: str) -> None:
    message = ranked(text, [("feedback_positive", 0.97), ("ask_more", 0.02)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "feedback_positive"


def test_a_question_to_the_assistant_stays(cued: KnowledgeIntentGuard) -> None:
    message = ranked("你这个机器人怎么做出来的", [("bot_capabilities", 0.9)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "bot_capabilities"


def test_without_a_cue_it_stays_unsure(cued: KnowledgeIntentGuard) -> None:
    message = ranked("那个啥来着", [("nlu_fallback", 0.45)])
    cued.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_without_the_vocabulary_nothing_is_a_cue(tmp_path) -> None:
    config = {**KnowledgeIntentGuard.get_default_config(), "vocabulary": str(tmp_path / "none.json")}
    message = ranked("这说明了啥", [("nlu_fallback", 0.45)])
    KnowledgeIntentGuard(config).process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    [
        "那是先道歉还是先听他说完再解释原因",
        "你好 客户情绪管理怎么做",
        "谢谢 那酒店咋办",
        "是不是一定要先道歉",
        "好的 要不要回访",
    ],
)
def test_a_message_saying_more_than_a_greeting_thanks_or_goodbye_gets_the_best_other_intent(text: str) -> None:
    message = ranked(text, [("goodbye", 0.5), ("thank", 0.2), ("feedback_positive", 0.2), ("ask_strategy", 0.1)])
    guard().process([message])
    assert message.get(INTENT) == {"name": "ask_strategy", "confidence": 1.0}
    assert message.get(OVERRULED)["name"] == "goodbye"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("goodbye", "好的 先这样吧 bye"),
        ("thank", "谢谢你呀 帮大忙了"),
        ("greet", "早上好 小助手"),
        ("greet", "嗨 在不在"),
    ],
)
def test_a_greeting_thanks_or_goodbye_stays(intent: str, text: str) -> None:
    message = ranked(text, [(intent, 0.9), ("ask_strategy", 0.1)])
    guard().process([message])
    assert message.get(INTENT) == {"name": intent, "confidence": 0.9}


def test_a_greeting_word_before_a_named_entry_is_no_question_about_the_assistant() -> None:
    text = "请问什么是KANO"
    ranking = [("greet", 0.9), ("bot_capabilities", 0.05), ("ask_definition", 0.04)]
    message = ranked(text, ranking, [topic(text, "KANO")])
    guard().process([message])
    assert message.get(INTENT)["name"] == "ask_definition"


def test_a_greeting_naming_an_entry_asks_about_it() -> None:
    text = "嗨 KANO"
    message = ranked(text, [("greet", 0.9), ("ask_definition", 0.1)], [topic(text, "KANO")])
    guard().process([message])
    assert message.get(INTENT)["name"] == "ask_definition"


# --- a bare list item ---------------------------------------------------------------------------


@pytest.fixture
def with_items(tmp_path) -> KnowledgeIntentGuard:
    """A guard over a vocabulary whose list items include 有形性 and 动态性."""
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps({"names": {}, "items": ["有形性", "动态性"]}), encoding="utf-8")
    return KnowledgeIntentGuard({**KnowledgeIntentGuard.get_default_config(), "vocabulary": str(path)})


@pytest.mark.parametrize("text", ["有形性", "动态性呢？", " 有形性 "])
def test_a_bare_list_item_asks_what_it_is(with_items: KnowledgeIntentGuard, text: str) -> None:
    message = ranked(text, [("nlu_fallback", 0.4), ("greet", 0.1)])
    with_items.process([message])
    assert message.get(INTENT)["name"] == "ask_definition"
    assert message.get(OVERRULED) == {"name": "nlu_fallback", "confidence": 0.4}


@pytest.mark.parametrize("text", ["有形性差怎么办", "形性"])
def test_more_or_less_than_an_item_is_not_bare(with_items: KnowledgeIntentGuard, text: str) -> None:
    message = ranked(text, [("nlu_fallback", 0.4)])
    with_items.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"
