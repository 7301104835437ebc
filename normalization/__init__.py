"""How a chat message is read before it is understood: one script, the knowledge base's words.

Staff type Traditional characters, full-width letters and pinyin-IME homophones ("客户情叙管理").
Both runtimes read a message the same way through this package: the Rasa server (intent features,
entities) and the knowledge core (query analysis, retrieval, the answer policy).

- `script.normalize`: NFKC, case-folded, Traditional → Simplified (OpenCC `t2s`).
- `matching.TermMatcher`: finds the knowledge base's terms in a message, exactly or as a
  homophone, a one-character edit or an English name, and says how each was matched.
"""
