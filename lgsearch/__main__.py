"""`python -m lgsearch` runs the `lgsearch` command."""

from lgsearch.cli import main

main()
