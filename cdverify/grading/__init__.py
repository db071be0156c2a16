"""Grading whole experiments: the paper's results layout, metrics and tables (issue 13)."""
