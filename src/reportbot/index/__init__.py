"""Storing and searching a corpus: ingest (files into the store), store (Chroma), view (the
saved in-memory view), aliases (names learned from the corpus), textindex and tablesearch
(word lookup), retrieval (hybrid search), scope (one report or a few), bounded (caches)."""
