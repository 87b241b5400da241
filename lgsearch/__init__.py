"""The `lgsearch` command: the reindex job, search from the terminal, export, stats and serve."""
