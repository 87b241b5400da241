"""A saved page parsed once with lxml, and its text rendered as lgsearch keeps it.

lxml (libxml2's parser, in C) reads a page in a fraction of the time BeautifulSoup's html.parser
took; the one tree goes to trafilatura for the article and to the metadata readers. The renderer
walks a tree without recursion (pages nest thousands deep) and writes blocks as paragraphs.
"""

from __future__ import annotations

import logging
import re

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

# trafilatura's own settings, and deep trees allowed: a page 5,000 divs deep is still a page.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)
# Every element as lxml.html's HtmlElement (what trafilatura expects) without lxml.html's own
# lookup, which runs Python for each element made: a C lookup is a tenth of the time.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
DEAD_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas")
# HTML's blocks, and the blocks of trafilatura's own XML (head, item, list, quote, row, cell...).
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "ul",
        "caption",
        "form",
        "nav",
        "head",
        "item",
        "list",
        "quote",
        "row",
        "code",
    }
)
_CELLS = frozenset({"td", "th", "cell"})
_LINE_TAGS = frozenset({"br", "lb"})
# Wrappers that carry no text of their own: dropped when a page nests deeper than libxml2 reads.
_WRAPPER_TAG = re.compile(rb"</?(?:div|span|section|font|center)\b[^>]*>", re.IGNORECASE)
_BREAK = object()
_LINE = object()


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """The page's `<html>` element, or None when there is no markup or text to parse."""
    data = text.encode("utf-8", errors="replace")
    try:
        tree = lxml.html.document_fromstring(data, parser=_PARSER)
        if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in _PARSER.error_log):
            # libxml2 stops reading below 2,048 open elements; the words are what matter.
            tree = lxml.html.document_fromstring(_WRAPPER_TAG.sub(b" ", data), parser=_PARSER)
        return tree
    except (etree.ParserError, ValueError):
        logger.debug("The page did not parse as HTML")
        return None


def classes(element) -> list[str]:
    """An element's class names, and its id first."""
    names = (element.get("class") or "").split()
    ident = element.get("id")
    return [ident, *names] if ident else names


def text_of_element(element) -> str:
    """An element's text on one line."""
    return " ".join(element.text_content().split())


def render_text(root, skip=None) -> str:
    """The text of `root`, a blank line between blocks and a line break for `<br>` (`<lb>`).

    `skip(element)` leaves an element and everything in it out (its tail text is kept)."""
    pieces: list = []
    skipped = set()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "end":
            if id(element) in skipped:
                skipped.discard(id(element))
                if element is not root and element.tail:
                    pieces.append(element.tail)
                continue
            if tag in _BLOCK_TAGS:
                pieces.append(_BREAK)
            if element is not root and element.tail:
                pieces.append(element.tail)
        elif tag is None or tag in DEAD_TAGS or (skip is not None and element is not root and skip(element)):
            walker.skip_subtree()
            skipped.add(id(element))
        elif tag in _LINE_TAGS:
            pieces.append(_LINE)
        elif tag == "pre":
            pieces.append(_BREAK)
            for number, line in enumerate(element.text_content().split("\n")):
                pieces.extend([_LINE, line] if number else [line])
            pieces.append(_BREAK)
            walker.skip_subtree()
            skipped.add(id(element))
        else:
            if tag in _BLOCK_TAGS:
                pieces.append(_BREAK)
            elif tag in _CELLS:
                pieces.append(" ")
            if element.text:
                pieces.append(element.text)
    return _join_pieces(pieces)


def _join_pieces(pieces: list) -> str:
    paragraphs, lines, current = [], [], []
    for piece in pieces + [_BREAK]:
        if piece is _BREAK or piece is _LINE:
            lines.append(" ".join("".join(current).split()))
            current = []
            if piece is _BREAK:
                paragraph = "\n".join(line for line in lines if line)
                if paragraph:
                    paragraphs.append(paragraph)
                lines = []
        else:
            current.append(piece)
    return "\n\n".join(paragraphs)
