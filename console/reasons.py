"""Chinese for the reasons the answer policy's rules give in a turn's trace (bot/conversation/rules/).

The rules write their reasons in English for developers and the logs; trainers read the trace in
the console's hit test, so every reason has its Chinese here. A test checks that each reason a
rule can give has one; an unknown reason is still shown as it is.

Usage:
    reason_label("the knowledge base never mentions the subject")  # → '知识库里从没提到问题问的对象'
"""

from __future__ import annotations

REASONS = {
    # not_understood
    "the classifier could not place it, and no answer came before it": "意图分类无法判断，且之前没有回答可接续：请用户换个说法",
    "it names something the knowledge base never mentions": "意图分类无法判断，但问的是知识库从未提到的名称：交给“未收录”规则如实说没有找到",
    "the classifier placed it": "意图分类已判断出意图",
    "read against the conversation, it asks nothing": "按追问理解，但这句话没有在问什么",
    "read against the conversation, it is about something else": "按追问理解，但这句话问的是别的事（有知识库不用的词，或问规定、价格、数量）",
    "a question about what was just said, in the knowledge base's words": "是对刚才回答的追问，用的都是知识库里的词",
    "its nouns name the conversation's entry; its other words only ask": "是对当前条目的追问：名词都是当前条目的名称，其余的词只是在问",
    # absent_concept
    "a situation or an event: its everyday words need not be ours": "描述的是情境或某人做了什么：日常用词不必是知识库里的",
    "names an entry: the named entry's rule weighs the rest": "点名了条目：交给“问题点名了条目”规则判断",
    "names no concept the knowledge base lacks": "没有提到知识库里没有的概念",
    "names a concept the knowledge base never mentions": "问题里提到的概念，知识库里从没提到过",
    # name_we_lack
    "no name we lack is what the message is about": "问题问的不是知识库没有的名称",
    "asks for cases in words: the case rule offers the closest": "明确要案例：交给“问的是案例”规则给出最接近的案例",
    "a situation or an event at a place we lack: retrieval answers it": "描述的是发生在某个陌生地方的情境：交给检索回答",
    "asks about a name the knowledge base never mentions": "问的是知识库从没提到过的公司或品牌",
    # method_we_lack
    "asks to use no method the knowledge base lacks": "没有要求使用知识库里没有的方法",
    "asks to use a method the knowledge base never mentions": "要用的方法、测评或品牌（“用…”“照搬…”之后的名称），知识库里从没提到过",
    # list_item
    "no item of the last answer named": "没有指向上一条回答中的某一项",
    "no list holds the item": "没有哪个列表包含这一项",
    "the item is an entry of its own": "这一项本身就是一个条目",
    "its line of the list": "列表中的这一行",
    # known_item
    "names an entry: its rule weighs the item": "点名了条目：交给“问题点名了条目”规则判断",
    "names no list item, or more than one": "没有说出某个列表项的名称，或说出了不止一个",
    "several lists have an item of that name": "好几个列表都有同名的一项",
    "the one list item of that name": "知识库里唯一一个同名的列表项",
    # comparison
    "not a comparison of two named entries": "不是在比较两个点名的条目",
    "compares the named entries": "比较点名的几个条目",
    "a passage of one named entry speaks of another": "比较点名的几个条目：先给出其中一个条目里提到另一个条目的那段，再并列各自的定义",
    # absent_subject
    "a case question: the case rule answers names we lack honestly": "问的是案例：由“问的是案例”规则如实回答知识库没有的名称",
    "a passage near the top holds every word of the subject": "排在前面的段落包含问题对象的每个词",
    "a situation": "描述的是一个现场情境",
    "asks for more or another part of the last answer": "要上一条回答的更多内容或其他部分",
    "every word is ours, and the conversation has a subject": "每个词知识库里都有，且对话已有主题",
    "names an entry beside words we lack: the named entry's rule weighs them": "点名了条目，旁边有知识库没有的词：交给“问题点名了条目”规则判断",
    "a name of ours and a word of what is asked of it": "条目名称后面跟着一个词，问的是该条目已有的某一部分（如“根源”“局限”）：交给“问题点名了条目”规则判断",
    "names nothing, and the conversation has a subject": "没有点名任何事物，且对话已有主题",
    "the subject is the first passage's title said short: that passage": "问的对象是检索排第一的条目标题的简称（问题里的词大多出自该标题）：回答这一段",
    "not a question about one term": "不是在问某一个术语",
    "the knowledge base mentions the subject": "知识库提到过问题问的对象",
    "the knowledge base never mentions the subject": "知识库里从没提到问题问的对象",
    "names no theory or model we lack": "没有提到知识库里没有的理论或模型",
    "names a theory or model the knowledge base never says": "问的理论、模型、定律或效应，知识库里从没完整提到过",
    "an example of a concept the knowledge base never mentions": "要的是一个知识库从没提到的概念的例子",
    "refers back to the conversation in everyday words": "用日常说法接着问当前对话（提到了“他/她”、以“这……”开头指前文，或只有一个常用词）",
    # correction
    "not a correction": "不是纠正上一条回答",
    "names an entry: answered as asked": "点名了条目：按所问回答",
    "nothing to correct": "没有可纠正的上一条回答",
    "a case of the industry asked instead": "改给所问行业的案例",
    "no case of that industry": "该行业没有案例",
    "the same kind in the industry asked": "所问行业中同一类小节",
    "the context has nothing for that industry": "当前主题没有该行业的内容",
    "another kind of section of the same subject": "同一主题的另一类小节",
    "the kind asked, from the concept the case illustrates": "案例所说明的概念中，所问的那类小节",
    "the context lacks the kind asked": "当前主题没有所问的那类小节",
    # example_question
    "the message has no subject of its own": "问题本身没有主题",
    "the message is an example question of this section": "问题就是这一小节的例句",
    "the message is no section's example question": "问题不是任何小节的例句",
    # named_entry
    "the message names no entry": "问题没有点名条目",
    "the named entry is no longer in the knowledge base": "点名的条目已不在知识库中",
    "names an entry, asks nothing else": "只说了条目名称，没有问别的",
    "a case the named entry links to": "点名条目关联的案例",
    "an item of the named entry's list": "点名条目列表中的一项",
    "the named entry's section of the kind asked": "点名条目中所问的那类小节",
    "the kind is the intent's guess: retrieval's first passage of the named entry": "问题没用提示词问小节类型，按检索排名取点名条目中最靠前的小节（情境概述、总结除外）",
    "the part of the named case the message's words ask for": "问题没用提示词问小节类型：按问题里只有案例某一部分才说的词、再按与各部分问法的相似度，选出案例的那一部分",
    "the named entry's section that says the message's words, the kind's says none": (
        "点名条目中说到了问题里的词的小节（所问那类小节一个都没说到，检索也排在前面）"
    ),
    "the named entry lacks the kind asked, the message names something we lack": "点名条目没有所问的小节，问题还提到了知识库没有的事物",
    "the named entry lacks the kind asked: its best passage": "点名条目没有所问的小节：给出它得分最高的段落",
    # follow_up
    "no context to continue": "没有可以接着的上一条回答",
    "the context has no passage for the message": "当前主题中没有与问题相关的段落",
    "asks for an industry the context does not cover": "问的行业当前主题没有涉及",
    "the knowledge base knows none of the message's words": "问题中的词知识库里一个都没有",
    "moved on: its own words fit a passage elsewhere better": "话题变了：问题自己的词更符合别处的段落",
    "moved on: it says most of another entry's title": "话题变了：问题说出了另一个条目标题的大部分",
    "names a subsection of the context": "点名了当前主题的一个子小节",
    "names an item of a list in the context": "点名了当前主题中某个列表的一项",
    "the same kind of section in the industry named": "换到所说行业的同类小节",
    "the context's section of the kind asked": "当前主题中所问的那类小节",
    "the context's passage that says the message's own words": "当前主题中说到问题原词的段落",
    "a case the context links to": "当前主题关联的案例",
    "after a case, another case from the whole knowledge base": "上一条是案例：从整个知识库找另一个案例",
    "the context's best passage not yet shown": "当前主题中还没给出过的最佳段落",
    # fact_question
    "asks for no rule, permission, price or quantity": "没有问规定、许可、价格或数量",
    "a situation to handle": "描述的是要处理的现场情境",
    "the knowledge base mentions all the question is about": "问题问到的内容知识库都提到过",
    "asks for a rule, permission, price or quantity": "问的是规定、许可、价格或数量（不属于本知识库）",
    "a case like the conversation's": "与对话中的案例同行业或同主题的另一个案例",
    # out_of_scope
    "the classifier did not take it for out of scope": "意图分类没有判为超出范围",
    "beside the name, every word is the knowledge base's": "除了点名的条目，其余的词知识库里也都有",
    "out of scope, as the classifier said: words the knowledge base never uses": "确实超出范围：问题里有知识库从未用过的词（与意图分类的判断一致）",
    # clarify
    "the message asks for a kind of section or has no words": "问题问了小节类型，或者没有实词",
    "not a bare industry or title fragment": "不只是一个行业词或标题片段",
    "at most one entry fits the fragment": "最多只有一个条目符合这个片段",
    "an industry asked of the conversation": "问的是当前主题在某个行业的情况",
    "a bare fragment several entries share": "只有一个多个条目共用的片段",
    # case
    "does not ask for a case": "没有问案例",
    "a name we lack, no example asked in words, nothing near it": "有知识库没有的名称，话里没要案例，也没有相近的内容",
    "nothing ties the question to the cases we hold": "问题与知识库中的案例都不相关",
    "no case ranks: the best passage": "没有案例排进前列：给出得分最高的段落",
    "the best-ranked case": "排名最高的案例",
    "the examples the best-ranked entry lists, well ahead of every case": "排名第一的条目自己列出的案例，远高于任何案例条目",
    # industry_follow_up
    "not an industry follow-up": "不是行业追问",
    "words of its own above the threshold: retrieval decides": "有自己的词且高于门槛：交给检索决定",
    "the context's application, the industry noted": "当前主题的应用，并说明行业",
    "the industry's application or case elsewhere": "该行业在别的条目中的应用或案例",
    # coverage
    "above the threshold": "高于置信度门槛",
    "below the threshold": "低于置信度门槛：知识库没有答案",
    # own_state
    "not staff telling of their own state": "不是员工在说自己的状态",
    "the best passage about staff": "员工在说自己的状态：选讲员工的段落里得分最高的（讲员工的次数不少于讲客户的）",
    "no passage about staff near the best": "员工在说自己的状态，但与最佳段落得分相近的段落都不是讲员工的：交给下一条规则",
    "none of the message's words is in the passage's entry, and it speaks of no one": (
        "讲员工的段落所在条目不含问题中的任何词，问题也没说到任何人：交给下一条规则"
    ),
    # best_passage
    "asks what a name we lack is, and the answer's entry never says it": "问的是知识库没有的名称是什么，而答案所在条目从没提到它",
    "nothing retrieved": "没有检索到段落",
    "none of the message's words is in the answer's entry, and it speaks of no one": "答案所在条目不含问题中的任何词，问题也没说到任何人",
    "the best entry's section of the kind asked": "最佳条目中所问的那类小节",
    "a case only guessed; retrieval's best passage, well ahead, is no case": (
        "只是分类器猜测在问案例（问题里没有“例子”“案例”等词），而检索最好的一段不是案例且遥遥领先"
    ),
    "the best entry's section that says the message's words, the kind's says none": (
        "最佳条目中说到了问题里的词的小节（所问那类小节一个都没说到，检索也排在前面）"
    ),
    "the best passage": "得分最高的段落",
    # the policy
    "no rule decided": "没有规则作出决定",
}


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason)
