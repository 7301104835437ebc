"""Ratings of answers and unanswered questions, for trainers."""
