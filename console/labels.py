"""Chinese words for what the core names in English: decision rules, evidence, match kinds, intents,
reply statuses, and `kb lint`'s messages.

The policy's rule names and evidence keys change as the policy grows, so everything here has a
fallback: an unknown name is shown as it is (trainers still see it, a developer adds the label).

Usage:
    rule_label("named_entry")  # → '问题点名了条目'
    lint_message("related id 'x' does not exist")  # → '相关条目 id “x” 不存在'
"""

from __future__ import annotations

import re

from console.reasons import reason_label

__all__ = ["reason_label", "rule_label", "evidence_label", "lint_message"]

RULES = {
    "policy": "最终决定",
    "list_item": "指向上一条回答中的某一项",
    "item": "指向上一条回答中的某一项",
    "known_item": "问题说出了某个列表项的名称",
    "comparison": "比较两个条目",
    "compare": "比较两个条目",
    "theory_we_lack": "问的理论、模型或定律知识库里没有",
    "absent_subject": "问的术语知识库里没有",
    "absent_concept": "问题里提到的概念知识库里没有",
    "method_we_lack": "要用的方法、测评或品牌知识库里没有",
    "name_we_lack": "问的公司或品牌知识库里没有",
    "not_understood": "没理解（请用户换个说法）",
    "correction": "纠正上一条回答",
    "example_question": "问题是某一小节的例句",
    "fact_question": "问规定、价格或数量（不属于本知识库）",
    "out_of_scope": "意图分类判为超出范围",
    "coverage": "置信度是否达到门槛",
    "none": "没有规则作出决定",
    "named_entry": "问题点名了条目",
    "named": "问题点名了条目",
    "context": "接着上一条回答（追问）",
    "follow_up": "接着上一条回答（追问）",
    "continue": "接着上一条回答（追问）",
    "context_item": "追问上一条回答中的一部分",
    "shared_fragment": "多个条目共用的词，需要追问",
    "clarify": "需要追问用户",
    "case": "问的是案例",
    "cases": "问的是案例",
    "unknown_name": "知识库没有的名称",
    "industry": "行业",
    "industry_follow_up": "换一个行业追问",
    "threshold": "置信度门槛",
    "min_confidence": "置信度门槛",
    "not_found": "知识库中没有答案",
    "own_state": "员工说自身状态：讲员工的段落",
    "best_passage": "检索得分最高的段落",
    "retrieval": "检索",
    "kind": "问的小节类型",
    "section_kind": "问的小节类型",
}
OUTCOMES = {"decided": "作出决定", "passed": "不适用，继续"}
STATUSES = {
    "answer": "给出答案",
    "compare": "对比回答",
    "not_found": "没有找到",
    "clarify": "反问用户",
    "not_understood": "没理解，请用户换个说法",
    "unavailable": "索引不可用",
}
MATCH_KINDS = {
    "exact": "原词",
    "traditional": "繁体字",
    "homophone": "同音/近音字",
    "edit": "错别字",
    "english": "英文名",
}
INTENTS = {
    "ask_definition": "问定义",
    "ask_components": "问构成要素",
    "ask_importance": "问重要性",
    "ask_theory": "问理论",
    "ask_application": "问应用",
    "ask_strategy": "问做法/策略",
    "ask_case": "问案例",
    "ask_challenge": "问挑战",
    "ask_trend": "问趋势",
    "ask_comparison": "问比较",
    "ask_more": "还有吗（追问更多）",
    "inform": "补充信息（追问）",
    "greet": "打招呼",
    "goodbye": "告别",
    "thank": "感谢",
    "bot_capabilities": "问助手能做什么",
    "feedback_positive": "点赞",
    "feedback_negative": "点踩",
    "out_of_scope": "超出范围",
    "nlu_fallback": "没听懂（置信度太低）",
}
EVIDENCE = {
    "theories": "问题里的理论或模型名称",
    "theory": "知识库里没有的理论或模型",
    "entry": "条目",
    "entries": "条目",
    "topic": "条目",
    "topics": "条目",
    "item": "列表项",
    "items": "说到的列表项",
    "lists": "同名列表项的个数",
    "kind": "小节类型",
    "kinds": "小节类型",
    "industry": "行业",
    "passage": "段落",
    "link": "提到另一个条目的段落",
    "confidence": "置信度",
    "threshold": "门槛",
    "margin": "领先第二名",
    "own_state_margin": "与最佳段落得分的最大差距",
    "rank": "检索排名",
    "score": "得分",
    "inside": "上下文内最佳得分",
    "outside": "上下文外最佳得分",
    "name": "名称",
    "words": "词",
    "question": "例句",
    "example_question": "例句",
    "subject": "问题的对象",
    "missing": "知识库没提到的",
    "term_question": "是否在问一个术语",
    "held_by": "包含这些词的段落",
    "cues": "提示词",
    "unknown_name": "知识库没有的名称",
    "covered": "答案条目含有的词数",
    "first_covered": "第一名条目含有的词数",
    "runner_up": "选了第二名",
    "context": "当前主题",
    "turned_away": "不要的小节类型",
    "case": "案例",
    "lead": "别处领先",
    "named": "点名的条目",
    "concept": "知识库没有的概念",
    "said": "只有这部分才说的词（权重）",
    "closeness": "与这部分问法的相似度",
}
TYPES = {"concept": "概念", "theory": "理论", "case": "案例", "practice": "做法", "scenario": "情境"}
ROLES = {"editor": "编辑", "viewer": "只读"}


def rule_label(name: str) -> str:
    return RULES.get(name, name)


def evidence_label(key: str) -> str:
    return EVIDENCE.get(key, key)


#: kb lint's messages (bot/knowledge/entries.py, lint.py) → Chinese; groups fill the {n} slots.
_LINT = [
    (r"file is not valid UTF-8 text; save it as UTF-8", "文件不是有效的 UTF-8 文本"),
    (r"missing front matter: the file must start with a '---' line", "缺少文件头：文件必须以 '---' 行开头"),
    (r"front matter is not closed by a '---' line", "文件头没有以 '---' 行结束"),
    (r"file name must be '(.+)' to match its id", "文件名必须是 “{0}”，与 id 一致"),
    (r"a (\w+) entry belongs in (.+)", "{0} 类型的条目应放在 {1} 文件夹"),
    (r"unknown industry '(.+)' \(see schema\.yml\)", "未知行业 “{0}”（只能用 schema.yml 中的行业）"),
    (r"front matter is not valid YAML: (.+)", "文件头不是有效的 YAML：{0}"),
    (r"front matter must be 'key: value' lines", "文件头必须是“键: 值”的形式"),
    (r"front matter '(.+?)': (.+)", "文件头 “{0}” 有误：{1}"),
    (r"duplicate id '(.+)' \(already used by (.+)\)", "id “{0}” 重复（{1} 已经在用）"),
    (r"questions: no section '(.+)' in this entry \(sections: (.+)\)", "例句：本条目没有小节 “{0}”（现有小节：{1}）"),
    (r"questions: empty example question under '(.+)'", "例句：“{0}” 下有空的例句"),
    (r"questions: '(.+)' is already an example question of (.+)", "例句：“{0}” 已经是 {1} 的例句"),
    (r"related id '(.+)' does not exist", "相关条目 id “{0}” 不存在"),
    (r"'(.+)' already names entry '(.+)'", "“{0}” 已经是条目 “{1}” 的标题或别名"),
    (
        r"unknown section kind in heading '(.+)' \(see schema\.yml\)",
        "小节标题 “{0}” 不是以小节类型或其别名开头（见 schema.yml）",
    ),
    (r"only '##' sections and '###' subsections are allowed", "只能使用 '##' 小节和 '###' 子小节"),
    (r"text before the first '##' section", "第一个 '##' 小节之前有文字"),
    (r"section '(.+)' is empty", "小节 “{0}” 是空的"),
    (r"duplicate section heading '(.+)'", "小节标题 “{0}” 重复"),
    (r"the entry has no '##' sections", "条目没有任何 '##' 小节"),
    (
        r"section '(.+)' has (\d+) characters; split it below (\d+) with '###'",
        "小节 “{0}” 有 {1} 个字，请用 '###' 拆分到 {2} 字以内",
    ),
    (r"symlink points outside the knowledge folder: (.+)", "符号链接指向知识库以外：{0}"),
    (r"the file has (\d+) characters; at most (\d+)", "文件有 {0} 个字，最多 {1} 个字"),
    (r"test case (\S+): expected entry '(.+)' does not exist", "测试用例 {0}：期望的条目 “{1}” 不存在"),
    (
        r"test case (\S+): entry '(.+)' has no section '(.+)' \(sections: (.+)\)",
        "测试用例 {0}：条目 “{1}” 没有小节 “{2}”（现有小节：{3}）",
    ),
    (r"test case (\S+): domain.yml has no response '(.+)'", "测试用例 {0}：domain.yml 中没有固定回复 “{1}”"),
    (r"test case (\S+): duplicate id \(also on line (\d+)\)", "测试用例 {0}：id 重复（第 {1} 行也用了）"),
    (r"test case (\S+): the same conversation is saved as (.+)", "测试用例 {0}：同样的对话已经保存为 {1}"),
    (r"test case #(\d+): (.+)", "第 {0} 个测试用例格式有误：{1}"),
    (r"test cases are not valid YAML: (.+)", "tests.yml 不是有效的 YAML：{0}"),
    (r"test cases: expected a 'cases:' list", "tests.yml 应以 “cases:” 列表开始"),
]
_LINT_COMPILED = [(re.compile(pattern), chinese) for pattern, chinese in _LINT]


_OTHER_FILE = re.compile(r"([\w./-]+\.md): (.+)")


def lint_message(message: str) -> str:
    """kb lint's message in Chinese; an unknown one as it is."""
    other = _OTHER_FILE.fullmatch(message)
    if other:  # a problem lint found in another file because of this one
        return f"{other.group(1)}：{lint_message(other.group(2))}"
    for pattern, chinese in _LINT_COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return chinese.format(*match.groups())
    return message
