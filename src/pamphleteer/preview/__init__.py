"""`pamphleteer preview`: the pages as they will print and the e-book, rebuilt on every save.

A resident process (WeasyPrint, fonts and caches loaded once) watches the manuscript's
folder and the styles (`watch.py`), builds on every save, the last save winning
(`session.py`), and serves what the last build made to a browser (`server.py`): the
print pages as pictures (`pages.py`), the EPUB's documents, the problems, and server-sent
events when a build finishes. The viewer is `assets/`.
"""
