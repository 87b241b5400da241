"""Readers for the published lists the gazetteer is built from (`indexer/data/sources/`).

Each module reads one list and gives bodies as `Body(name, kind, aliases)`; `make_gazetteer.py`
merges them with the hand-kept `organisations_extra.csv`. Used only to regenerate
`organisations.csv`, never when indexing.
"""
