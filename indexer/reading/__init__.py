"""Reading posts: one reader per format, and the extraction of a post's own text and metadata.

`readers.py` picks a reader by extension; `extract.py` holds what every format shares,
`extract_text.py`, `extract_html.py` (with `html_tree.py`, `extract_html_body.py` and
`extract_html_meta.py`), `extract_markdown.py`, `extract_pdf.py` and `extract_docx.py` (with
`extract_document.py`) what each format needs; `harvested.py` what a harvest knew about a post;
`bylines.py` and `dates.py` read authors and dates wherever they appear.
"""
