"""Retrieval: the analyzer (text -> terms), BM25 indexes, and search over corpus chunks."""
