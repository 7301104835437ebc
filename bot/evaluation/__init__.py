"""Retrieval metrics (Recall@k, MRR) and calibration of the answerability threshold."""
