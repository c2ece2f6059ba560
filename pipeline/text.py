"""Visible text of a raw page, with a map back to raw offsets.

A scraped page mixes prose with markup. The visible text drops HTML tags, HTML comments and
bare URLs, and folds white space, while remembering for each visible character where it
stands in the raw text. Cleaning and sentence splitting both read pages through this view, so
every piece they emit can be traced back to ``raw[char_start:char_end]``.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

# Markup that is never visible: HTML comments, tags, bare URLs. A URL stops before trailing
# punctuation so that "see http://x.y." keeps its full stop.
_INVISIBLE = re.compile(
    r"<!--.*?-->"
    r"|</?[A-Za-z][^<>]{0,2000}>"
    r"|(?:https?://|www\.)[^\s<>\"']+?(?=[.,;:!?)\]'\"]*(?:\s|$|<))",
    re.DOTALL,
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class VisibleText:
    """Visible text of a span of a raw document.

    ``offsets[i]`` is the raw offset of ``text[i]``; a folded white-space run maps to the
    offset of its first raw character.
    """

    text: str
    offsets: array

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets ``(char_start, char_end)`` of the visible slice ``text[start:end]``."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"empty or out-of-range visible span {start}:{end}")
        return self.offsets[start], self.offsets[end - 1] + 1


def visible_text(raw: str, start: int = 0, end: int | None = None) -> VisibleText:
    """Visible text of ``raw[start:end]`` on one line of output per raw line.

    Markup and bare URLs are removed, runs of white space within a line become one space,
    line breaks become ``"\\n"`` (``"\\n\\n"`` where the raw text has a blank line), and the
    result has no leading or trailing white space.
    """
    end = len(raw) if end is None else end
    pieces: list[str] = []
    offsets = array("q")
    pending_space: tuple[str, int] | None = None

    def emit_visible(chunk: str, at: int) -> None:
        nonlocal pending_space
        for match in re.finditer(r"\S+|\s+", chunk):
            token = match.group()
            pos = at + match.start()
            if token[0].isspace():
                newlines = token.count("\n") + token.count("\r") - token.count("\r\n")
                sep = "\n\n" if newlines >= 2 else "\n" if newlines == 1 else " "
                if pending_space is None or len(sep) > len(pending_space[0]) or (
                    sep.startswith("\n") and pending_space[0] == " "
                ):
                    pending_space = (sep, pos if pending_space is None else pending_space[1])
                continue
            if pending_space is not None and pieces:
                sep, sep_pos = pending_space
                pieces.append(sep)
                offsets.extend([sep_pos] * len(sep))
            pending_space = None
            pieces.append(token)
            offsets.extend(range(pos, pos + len(token)))

    cursor = start
    for match in _INVISIBLE.finditer(raw, start, end):
        if match.start() > cursor:
            emit_visible(raw[cursor : match.start()], cursor)
        # Invisible markup separates words only where it is a block-level break; inline
        # tags like <a> or <i> must not glue or split words, so they emit nothing.
        cursor = match.end()
    if cursor < end:
        emit_visible(raw[cursor:end], cursor)
    return VisibleText("".join(pieces), offsets)


def fold(text: str) -> str:
    """Fold all white space, line breaks included, to single spaces."""
    return _SPACE.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Remove tags, HTML comments and bare URLs from ``text`` (white space untouched)."""
    return _INVISIBLE.sub("", text)
