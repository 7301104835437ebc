import pytest

from bot.knowledge.entries import load_knowledge
from bot.knowledge.terms import TermTable
from bot.retrieval.query import KIND_CUES, QueryAnalysis, QueryAnalyzer

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def analyzer() -> QueryAnalyzer:
    kb = load_knowledge(ROOT / "knowledge")
    return QueryAnalyzer(TermTable.from_knowledge(kb))


def test_definition_question(analyzer: QueryAnalyzer) -> None:
    analysis = analyzer.analyze("什么是移情服务")
    assert analysis.topics == ["empathy-service"]
    assert analysis.industries == []
    assert "定义" in analysis.kinds


def test_application_in_an_industry_alias(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("移情服务在医院怎么用") == QueryAnalysis(
        topics=["empathy-service"], industries=["医疗"], kinds=["应用"]
    )


def test_case_question_about_an_industry(analyzer: QueryAnalyzer) -> None:
    analysis = analyzer.analyze("有没有银行处理投诉的案例")
    assert analysis.topics == ["bank-fee-complaint"]  # "处理投诉" is an alias of that case
    assert analysis.industries == ["银行"]
    assert "案例" in analysis.kinds


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        # "情感需求" is an alias of the same entry: counted once
        ("客户情感需求是什么", ["customer-emotional-needs"]),
        # "同理心" alone is empathy-theory; inside "同理心服务" it must not count
        ("同理心服务是什么", ["empathy-service"]),
        ("同理心是什么", ["empathy-theory"]),
        # "移情服务" (empathy-service) is inside the alias "酒店移情服务"
        ("酒店移情服务怎么做", ["luxury-hotel-empathy-service"]),
        # "客户情绪管理" (customer-emotion-management) is inside the case title
        ("华为云服务的客户情绪管理", ["huawei-cloud-service"]),
        # "客户体验" (customer-experience-theory) is inside "亚马逊客户体验"
        ("亚马逊客户体验", ["amazon-customer-experience"]),
        # longest match first, not in question order (the field's documented order)
        ("移情和SERVQUAL模型有什么区别", ["servqual", "empathy-service"]),
    ],
)
def test_longest_match_blanks_out_contained_aliases(analyzer: QueryAnalyzer, question: str, topics: list[str]) -> None:
    assert analyzer.analyze(question).topics == topics


def test_a_topic_match_hides_the_industry_word_inside_it(analyzer: QueryAnalyzer) -> None:
    """"酒店" inside the alias "高端酒店" is part of the topic's name, not an industry the user asked about."""
    assert analyzer.analyze("高端酒店的移情服务").industries == []
    assert analyzer.analyze("移情服务在酒店怎么用").industries == ["酒店"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [("servqual是什么", "servqual"), ("SERVQUAL是什么", "servqual"), ("ServQual模型", "servqual"),
     ("kano模型", "kano-model"), ("what is Empathy Service", "empathy-service"), ("cx", "customer-experience-theory")],
)
def test_english_aliases_match_case_insensitively(analyzer: QueryAnalyzer, question: str, topic: str) -> None:
    assert analyzer.analyze(question).topics == [topic]


def test_industry_aliases_are_deduplicated(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("医院和诊所的区别").industries == ["医疗"]
    assert sorted(analyzer.analyze("医院和诊所，还有宾馆").industries) == ["医疗", "酒店"]


def test_kinds_follow_cue_table_order(analyzer: QueryAnalyzer) -> None:
    analysis = analyzer.analyze("什么是情感劳动理论？有哪些案例")
    assert analysis.topics == ["emotional-labor-theory"]
    assert analysis.kinds == ["案例", "定义"]
    assert list(KIND_CUES)[0] == "案例" and list(KIND_CUES)[-1] == "定义"


def test_question_without_cues(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("今天天气不错") == QueryAnalysis()


def test_longest_term_wins() -> None:
    analyzer = QueryAnalyzer(TermTable({"移情": "a", "移情服务": "b"}, {"医院": "医疗", "医疗": "医疗"}))
    assert analyzer.analyze("移情服务在医院和医疗机构").topics == ["b"]
    assert analyzer.analyze("移情服务在医院和医疗机构").industries == ["医疗"]


def test_merged_keeps_order_and_removes_duplicates() -> None:
    first = QueryAnalysis(topics=["empathy-service", "servqual"], industries=["医疗"], kinds=["定义", "案例"])
    second = QueryAnalysis(topics=["servqual", "kano-model"], industries=["酒店", "医疗"], kinds=["案例"])
    assert first.merged(second) == QueryAnalysis(
        topics=["empathy-service", "servqual", "kano-model"], industries=["医疗", "酒店"], kinds=["定义", "案例"]
    )
    # neither operand changes
    assert first.topics == ["empathy-service", "servqual"] and second.industries == ["酒店", "医疗"]


def test_merged_with_empty() -> None:
    analysis = QueryAnalysis(topics=["servqual"], kinds=["定义"])
    assert QueryAnalysis().merged(analysis) == analysis
    assert analysis.merged(QueryAnalysis()) == analysis
