"""Storing and searching a corpus: ingest (files into the store), store (Chroma), records (a
chunk as a Chroma record), errors (damage, a full disk), folders (where the index lives on disk,
and how an ingest replaces it safely), view (the saved in-memory view), aliases (names learned
from the corpus), textindex and tablesearch (word lookup), retrieval (hybrid search), scope (one
report or a few), bounded (caches)."""
