"""Stage 3: segmentation, query analysis and hybrid search over one index snapshot."""
