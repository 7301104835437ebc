"""Stage 4: one chat turn: plan it from the context, decide how to answer, compose the reply."""
