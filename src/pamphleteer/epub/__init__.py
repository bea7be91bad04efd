"""The e-book: the package and its zip, the print pages marked, pictures for screens,
embedded fonts, accessibility metadata and the cover for the stores.

Never imports WeasyPrint nor `pdf/`: the pipeline hands it plain data."""
