import pytest

from bot.feedback.privacy import mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("客户手机13812345678打不通", "客户手机[手机号]打不通"),
        ("客户手机 138-1234-5678 打不通", "客户手机 [手机号] 打不通"),
        ("+86 138 1234 5678", "[手机号]"),
        ("008613812345678", "[手机号]"),
        ("１３８１２３４５６７８", "[手机号]"),  # full-width digits
        ("身份证11010119900307123X办不了", "身份证[身份证号]办不了"),
        ("身份证 110101199003071234", "身份证 [身份证号]"),
        ("老身份证110101900307123", "老身份证[身份证号]"),
        ("卡号6222020012345678901被冻结", "卡号[银行卡号]被冻结"),
        ("卡 6222 0200 1234 5678 被吞了", "卡 [银行卡号] 被吞了"),
        ("信用卡4111-1111-1111-1111", "信用卡[银行卡号]"),
        ("座机010-12345678或(0755) 1234 5678", "座机[电话]或[电话]"),
        ("手机13812345678，卡号6222020012345678901", "手机[手机号]，卡号[银行卡号]"),
    ],
)
def test_personal_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "什么是移情服务",
        "2025年有3个客户投诉",
        "SERVQUAL的5个维度",
        "订单号12345怎么查",
        "工号 10086 的同事",
        "95588 是哪家银行的客服",  # a short service number, not personal
        "2025-02-02 17:02:55",
    ],
)
def test_ordinary_questions_and_short_numbers_are_kept(text: str) -> None:
    assert mask_personal_data(text) == text


def test_masking_twice_changes_nothing() -> None:
    once = mask_personal_data("客户13812345678的卡6222020012345678901，身份证11010119900307123X")
    assert mask_personal_data(once) == once and not any(c.isdigit() for c in once)
