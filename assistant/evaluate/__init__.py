"""Evaluation against reference Q&A: datasets, metrics, the tutorial baseline, runs, reports, comparisons."""
