"""The print edition: profiles, layout piece by piece with corrections, print pictures,
the PDF written, the booklet, and the generated cover (laid out like a page).

Only this package loads WeasyPrint; only `internals` reads WeasyPrint's boxes and
edits its PDF objects. What the EPUB needs of the layout leaves it as a `PrintPages`."""
