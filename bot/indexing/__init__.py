"""Stage 2: passages into a versioned FAISS + BM25 index, the NLU resources Rasa reads, and the watcher."""
