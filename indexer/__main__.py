"""`python -m indexer` runs the `lgsearch` command, as the contract promises.

An entry point only: nothing in the indexer package imports the command line.
"""

from lgsearch.cli import main

main()
