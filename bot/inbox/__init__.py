"""The trainers' inbox: questions that need a fix, grouped by meaning (stage after feedback)."""
