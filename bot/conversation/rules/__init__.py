"""The rules of the answer policy, one module each; `bot.conversation.policy` orders them."""
