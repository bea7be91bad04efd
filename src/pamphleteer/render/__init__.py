"""Rendering: the `Book` through the Jinja2 templates in `styles/`, into text.

`print` makes the print edition's HTML (whole or in pieces), `epub` the EPUB's XHTML
documents, `cover` the generated cover's HTML; `templates` finds the templates and
the words they print, `contents` nests the headings."""
