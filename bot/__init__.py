"""共情服务知识助手: the reusable core (knowledge, index, retrieval, answers) behind the Rasa actions."""
