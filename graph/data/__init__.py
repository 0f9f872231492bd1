"""Data files for graph/: the question patterns of `ask`."""
