"""Checks of built files: findings with codes, EPUBCheck, Ace, the PDF's basics and the
print preflight, and the page pictures `make pages` writes."""
