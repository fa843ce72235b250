"""Turning a file into pages, sections, chunks and typed tables: corpus (which files a corpus
folder holds), limits (per-file limits), loaders (files), pdf (PDF layout), charfold (extraction
variants), parse (sections, chunks, table rows), tables (typed tables), units (sentences and rows
as answer units), safety (instruction-like lines, quarantined)."""
