"""pamphleteer: one Markdown manuscript in, an EPUB 3 and a print-ready PDF out."""

from .support.native import find_libraries_quickly

__version__ = "0.1.0"

find_libraries_quickly()  # a third of a second off every command that loads WeasyPrint
