"""Stage 0: documents (.docx, .pdf, .md, .txt, .html) made into draft entries for trainers to curate."""
