"""Ingest: saved news pages -> :class:`digest.model.Story` records -> ``content/*.md`` files.

``parse`` is pure (page text in, stories out); ``store`` does the file I/O at the edges.
"""
