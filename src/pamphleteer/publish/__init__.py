"""Publishing: a checked release in publish/<slug>/<version>/, its record and checksums,
the catalogue made from the records alone, and the order of versions."""
