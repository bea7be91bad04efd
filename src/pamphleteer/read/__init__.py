"""Reading: a manuscript (Markdown with YAML front matter) into a `Book`, once.

`manuscript.read_book` is the stage; the other modules are its parts: source decoding
and checks, front matter, lists and limits (Python-Markdown extensions), tables,
sanitizing raw HTML, and typography in the book's language."""
