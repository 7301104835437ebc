"""Stage 1: the trainers' Markdown entries, their vocabulary and routing, and the linter."""
