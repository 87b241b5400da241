"""lgsearch's indexer: reads posts, extracts what they say, and keeps the Whoosh index."""
