"""lgsearch's indexer: reads posts, extracts what they say, and keeps the Whoosh index."""

from indexer import safe_pickle

# Before anything can open an index: Whoosh reads its pickles through safe_pickle from now on.
safe_pickle.install()
