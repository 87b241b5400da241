"""A saved page's article text, by trafilatura, with two fallbacks so nothing readable is lost.

1. "article": trafilatura's precise pass (its fast path: no second extractor behind it).
2. "recall": when that finds under 100 words, trafilatura again with `favor_recall` and its
   other extractors (readability, jusText) behind it, kept if it finds clearly more; else its
   baseline (every paragraph of the page), kept only if it finds several times more.
3. "visible text": when both find nothing, the page's visible text without navigation, headers,
   footers, sidebars and scripts.
Only a page with no text at all comes out empty. Which path a page took is recorded on its post.
"""

from __future__ import annotations

import logging

from trafilatura import bare_extraction
from trafilatura.baseline import baseline
from trafilatura.settings import use_config

from indexer.reading.extract import Post, clean_body
from indexer.reading.html_tree import render_text

logger = logging.getLogger(__name__)

ARTICLE = "article"
RECALL = "recall"
VISIBLE_TEXT = "visible text"
EXTRACTION_PATHS = (ARTICLE, RECALL, VISIBLE_TEXT)

# Below this many words the precise pass may have taken a teaser: the recall pass is tried.
_FEW_WORDS = 100
_CONFIG = use_config()
# The same without trafilatura's rescue of a short find (its "baseline").
_NO_RESCUE = use_config()
_NO_RESCUE.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
_NOT_VISIBLE = frozenset({"nav", "header", "footer", "aside", "button", "select", "textarea", "dialog", "head"})
_NOT_VISIBLE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog"})


def article_text(tree, finish) -> tuple[Post, str]:
    """The article's text cleaned of chrome lines (with the labels and bylines it held), and
    the path that found it. `finish(post)` gives a found post's body as it will be kept (less the
    lines that repeat its title or byline): the paths are judged on that."""
    precise = _trafilatura(tree, finish, favor_recall=False)
    if "\n\n" not in precise.body and precise.body:
        # trafilatura's own rescue of a short find runs the page's blocks together; when its
        # strict find (no rescue) holds most of those words, it is the article with its paragraphs.
        strict = _trafilatura(tree, finish, favor_recall=False, config=_NO_RESCUE)
        if "\n\n" in strict.body and _words(strict.body) >= 0.6 * _words(precise.body):
            precise = strict
    if _words(precise.body) >= _FEW_WORDS:
        return precise, ARTICLE
    recall = _trafilatura(tree, finish, favor_recall=True, fast=False)
    if _clearly_more(recall, precise):
        return recall, RECALL
    rescue = _baseline(tree, finish)
    if _words(rescue.body) > 4 * _words(precise.body) + 20:
        # The baseline takes every paragraph of the page: trusted only when the article's own
        # find is a small part of it.
        return rescue, RECALL
    if precise.body:
        return precise, ARTICLE
    if recall.body or rescue.body:
        return (recall if recall.body else rescue), RECALL
    body = tree.find("body")
    visible = clean_body(render_text(body if body is not None else tree, skip=_not_visible))
    visible.body = finish(visible)
    return visible, VISIBLE_TEXT


def _baseline(tree, finish) -> Post:
    try:
        found, _, _ = baseline(tree)
    except Exception:  # trafilatura is not ours: a page it cannot handle takes the next path
        logger.warning("trafilatura could not read a page", exc_info=True)
        return Post()
    post = clean_body(render_text(found))
    post.body = finish(post)
    return post


def _trafilatura(tree, finish, *, favor_recall: bool, config=None, fast: bool = True) -> Post:
    try:
        found = bare_extraction(
            tree,
            config=config or _CONFIG,
            fast=fast,
            favor_recall=favor_recall,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:  # trafilatura is not ours: a page it cannot handle takes the next path
        logger.warning("trafilatura could not read a page", exc_info=True)
        found = None
    if found is None or found.body is None:
        return Post()
    post = clean_body(render_text(found.body))
    post.body = finish(post)
    return post


def _not_visible(element) -> bool:
    return (
        element.tag in _NOT_VISIBLE
        or element.get("role") in _NOT_VISIBLE_ROLES
        or element.get("hidden") is not None
        or (element.get("aria-hidden") or "").lower() == "true"
    )


def _clearly_more(found: Post, than: Post) -> bool:
    return _words(found.body) > max(2 * _words(than.body), _words(than.body) + 20)


def _words(text: str) -> int:
    return len(text.split())
