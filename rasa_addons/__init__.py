"""Extensions that run inside the Rasa server (.venv-rasa): the knowledge entity extractor and
the channels. This package never imports the knowledge core (`bot`) or the actions: the files
`kb build` generates (entity patterns, jieba dictionary) are the only link between them.
"""
