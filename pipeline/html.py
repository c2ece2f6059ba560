"""Saved HTML pages to the plain-text page layout the cleaning stage reads.

trafilatura finds the main text, the title, the canonical URL and the date, and drops the
navigation, sidebars and footers. The comment thread is read from the markup itself, because
that is where each comment's author is: the usual comment containers of blog and forum
software (``li.comment``, ``article.comment``, ``[id^=comment-]`` …) with their author
(``.comment-author``, ``cite.fn``, ``[itemprop=author]`` …) and body. Where the markup has no
such containers, trafilatura's comment text is used, one comment per paragraph, no author.

The page is written as ``title``, a blank line, the post, ``N comments``, then one
``Name says:`` block per comment (or the body and a ``Reply`` line when there is no name), so
the cleaner finds title, post, comments and authors with its ordinary rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

_COMMENT_ITEMS = (
    "//li[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]"
    " | //article[contains(@class, 'comment')]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' comment ')]"
    " | //*[starts-with(@id, 'comment-') and not(ancestor::*[starts-with(@id, 'comment-')])]"
)
_AUTHOR = (".//*[contains(@class, 'comment-author')]//*[contains(@class, 'fn')]"
           " | .//cite[contains(@class, 'fn')] | .//*[@itemprop='author']"
           " | .//*[contains(@class, 'comment-author')] | .//*[contains(@class, 'username')]")
_BODY = (".//*[contains(@class, 'comment-content') or contains(@class, 'comment-body')"
         " or contains(@class, 'comment-text') or @itemprop='text']")


@dataclass(frozen=True)
class HtmlPage:
    """What a saved page holds, as plain text and metadata."""

    text: str
    title: str | None
    url: str | None
    date: str | None


def page_from_html(html: str) -> HtmlPage:
    """Extract a page's title, post and comment thread as plain text (see module doc)."""
    result = trafilatura.bare_extraction(html, include_comments=True, with_metadata=True,
                                         favor_recall=True)
    data = result.as_dict() if result is not None and hasattr(result, "as_dict") else (
        result or {})
    title = _clean(data.get("title"))
    body = (data.get("text") or "").strip()
    lines = body.splitlines()
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]  # trafilatura repeats the heading at the top of the text
    comments = _comments_from_markup(html) or [
        (None, paragraph) for paragraph in (data.get("comments") or "").split("\n")
        if paragraph.strip()
    ]
    parts = [title or "", ""]
    parts += ["\n".join(line for line in lines if line.strip()), ""]
    if comments:
        parts += [f"{len(comments)} comments", ""]
        for author, text in comments:
            parts += [f"{author} says:", text, ""] if author else [text, "Reply", ""]
    text = "\n".join(parts).strip() + "\n"
    return HtmlPage(text=text, title=title, url=_clean(data.get("url")),
                    date=_clean(data.get("date")))


def _comments_from_markup(html: str) -> list[tuple[str | None, str]]:
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    comments = []
    for item in tree.xpath(_COMMENT_ITEMS):
        # A reply nested in another comment is read as its own item, not twice.
        for nested in item.xpath(_COMMENT_ITEMS.replace("//", ".//")):
            if nested is not item:
                nested.getparent().remove(nested)
        body_nodes = item.xpath(_BODY)
        body = " ".join(_text(node) for node in body_nodes) if body_nodes else ""
        if not body:
            continue
        authors = [_text(node) for node in item.xpath(_AUTHOR)]
        author = next((_name(a) for a in authors if _name(a)), None)
        comments.append((author, body))
    return comments


def _text(node: etree._Element) -> str:
    return " ".join(" ".join(node.itertext()).split())


def _name(text: str) -> str | None:
    for suffix in (" says:", " says", " said:", " wrote:"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    text = text.strip()
    return text if 0 < len(text) <= 60 else None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
