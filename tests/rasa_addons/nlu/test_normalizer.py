"""MessageNormalizer: the Rasa server reads a message as the knowledge core does, over a fixture
vocabulary.json (the file `kb build` writes), with jieba as Rasa's tokenizer has it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.nlu import normalizer as normalizer_module
from rasa_addons.nlu.normalizer import READ_AS, TEXT_AS_TYPED, MessageNormalizer, button_payload, load_reader

VOCABULARY = {
    "names": {"客户情绪管理": "customer-emotion-management", "servqual": "servqual", "医院": "医疗"},
    "synonyms": {"responsiveness": "响应性"},
    "words": ["实施", "满意度", "响应性"],
}


def write(path: Path, data: dict, stamp: int | None = None) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if stamp is not None:
        os.utime(path, ns=(stamp, stamp))
    return path


@pytest.fixture
def vocabulary(tmp_path: Path) -> Path:
    return write(tmp_path / "vocabulary.json", VOCABULARY)


def normalizer(path: Path) -> MessageNormalizer:
    return MessageNormalizer({**MessageNormalizer.get_default_config(), "vocabulary": str(path)})


def process(component: MessageNormalizer, text: str) -> Message:
    message = Message({TEXT: text})
    component.process([message])
    return message


def test_the_default_vocabulary_is_the_builds() -> None:
    assert MessageNormalizer.get_default_config() == {"vocabulary": "build/nlu/vocabulary.json"}


@pytest.mark.parametrize(
    ("text", "understood", "read_as"),
    [
        ("客户情叙管理有哪些策略", "客户情绪管理有哪些策略", [("客户情叙管理", "客户情绪管理", "homophone")]),
        ("客戶情緒管理有哪些策略？", "客户情绪管理有哪些策略?", []),  # Traditional: no word read otherwise
        ("SERVQUAL 里的 responsiveness 指啥", "servqual 里的 响应性 指啥", [("responsiveness", "响应性", "synonym")]),
        ("顾客瞒意度怎么提高", "顾客满意度怎么提高", [("瞒意度", "满意度", "homophone")]),
        ("数据实时更新", "数据实时更新", []),  # 实时 (one homophone from 实施) is a word of jieba's dictionary
    ],
)
def test_the_text_is_replaced_by_what_it_reads_as(vocabulary: Path, text: str, understood: str, read_as) -> None:
    message = process(normalizer(vocabulary), text)
    assert message.get(TEXT) == understood
    assert message.get(TEXT_AS_TYPED) == text
    assert [(r["said"], r["term"], r["how"]) for r in message.get(READ_AS)] == read_as


def test_what_was_typed_and_read_reaches_the_parse_data(vocabulary: Path) -> None:
    message = process(normalizer(vocabulary), "客户情叙管理")
    output = message.as_dict(only_output_properties=True)
    assert output[TEXT_AS_TYPED] == "客户情叙管理"
    assert output[READ_AS] == [{"said": "客户情叙管理", "term": "客户情绪管理", "how": "homophone"}]


@pytest.mark.parametrize("text", ["/feedback_positive", " /feedback_negative ", '/inform{"topic":"kano"}'])
def test_button_payloads_are_left_to_rasa(vocabulary: Path, text: str) -> None:
    message = process(normalizer(vocabulary), text)
    assert message.get(TEXT) == text
    assert message.get(TEXT_AS_TYPED) is None and message.get(READ_AS) is None


def test_an_empty_message_is_left_alone(vocabulary: Path) -> None:
    message = process(normalizer(vocabulary), "")
    assert message.get(TEXT) == "" and message.get(TEXT_AS_TYPED) is None


def test_without_a_vocabulary_only_the_script_is_converted(tmp_path: Path) -> None:
    component = normalizer(tmp_path / "missing.json")
    message = process(component, "客戶情敘管理")
    assert message.get(TEXT) == "客户情叙管理"  # Simplified; the typo stays without the knowledge base's words
    assert (message.get(TEXT_AS_TYPED), message.get(READ_AS)) == ("客戶情敘管理", [])


def test_a_vocabulary_written_later_is_used_from_the_next_message(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.json"
    component = normalizer(path)
    assert process(component, "客户情叙管理").get(TEXT) == "客户情叙管理"
    write(path, VOCABULARY)
    assert process(component, "客户情叙管理").get(TEXT) == "客户情绪管理"


def test_a_changed_vocabulary_is_reloaded(vocabulary: Path) -> None:
    write(vocabulary, VOCABULARY, stamp=1_000_000_000)
    component = normalizer(vocabulary)
    assert process(component, "同里心").get(TEXT) == "同里心"
    write(vocabulary, {**VOCABULARY, "names": {**VOCABULARY["names"], "同理心": "empathy"}}, stamp=2_000_000_000)
    assert process(component, "同里心").get(TEXT) == "同理心"


def test_an_unchanged_vocabulary_is_read_once(vocabulary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[Path] = []

    def counting(path: Path):
        loads.append(path)
        return load_reader(path)

    monkeypatch.setattr(normalizer_module, "load_reader", counting)
    component = normalizer(vocabulary)
    for _ in range(3):
        process(component, "客户情叙管理")
    assert loads == [vocabulary]


def test_a_vocabulary_without_synonyms_or_words_still_reads_names(tmp_path: Path) -> None:
    reader = load_reader(write(tmp_path / "v.json", {"names": {"客户情绪管理": "cem"}}))
    assert reader.read("客户情叙管理").understood == "客户情绪管理"


def training(*texts: str) -> TrainingData:
    return TrainingData([Message({TEXT: text, "intent": "ask_definition"}) for text in texts])


def test_training_data_is_only_converted_to_simplified(vocabulary: Path) -> None:
    data = training("客戶情緒管理是什麼", "客户情叙管理是什么", "SERVQUAL 是什么", "/feedback_positive")
    normalizer(vocabulary).process_training_data(data)
    assert [m.get(TEXT) for m in data.training_examples] == [
        "客户情绪管理是什么",
        "客户情叙管理是什么",  # typos are not corrected: the examples stay as written
        "SERVQUAL 是什么",  # nor case-folded (entity offsets stay valid)
        "/feedback_positive",
    ]


def test_a_conversion_that_changes_the_length_is_not_applied(vocabulary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalizer_module, "simplify", lambda text: text.replace("醫院", "医疗机构"))
    data = training("那在醫院怎麼用")
    normalizer(vocabulary).process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "那在醫院怎麼用"  # entity offsets would be wrong


@pytest.mark.parametrize(("text", "payload"), [("/feedback_positive", True), ("移情服务/KANO", False), ("", False)])
def test_button_payload(text: str, payload: bool) -> None:
    assert button_payload(text) is payload
