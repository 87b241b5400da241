"""`python -m indexer` runs the same click group as the `lgsearch` command."""
from indexer.cli import main

main()
