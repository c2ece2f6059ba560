"""Stage 2, clean: split a page into title, post and comments, and remove chrome and spam.

The page is read line by line (through its visible text: markup and bare URLs removed). Each
line gets, in order:

1. **chrome rules**: general features of site chrome (comment forms, login and share
   widgets, counters, date and byline lines, tag lines, the author's sidebar, sign-offs,
   navigation and footers, short UI fragments). Every rule returns the reason it fired.
2. **structure**: the title (first line, if it reads as one), then the post, then the
   comment thread, whose comments and authors are found from the layouts sites use: a
   ``Name says:`` line, a name repeated on two lines, a name followed by a date line,
   numbered comments, ``Posted by … at …``, a recurring answer label (``… Feedback:``),
   ``Reply`` links between comments.
   A line the page's site repeats on many of its pages (learned by ``pipeline.sites``) is
   chrome too, with reason ``site_repeated``, even where no rule knows it.
3. **repeats**: a line already seen in the page is a duplicate.
4. **spam**: each comment is scored by ``pipeline.spam`` and removed above the threshold.

Nothing is deleted: every piece of the page becomes a segment with its status and reason,
so ``segments.parquet`` is the audit of what cleaning did.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from pipeline.spam import (
    ENGLISH_STOPWORDS,
    SpamSettings,
    language_problem,
    page_vocabulary,
    role_word_share,
    score_comment,
    words,
)
from pipeline.text import fold, visible_text


@dataclass(frozen=True)
class CleanSettings:
    """Named settings of the cleaning stage."""

    spam: SpamSettings = field(default_factory=SpamSettings)
    max_title_words: int = 20
    max_title_chars: int = 150
    max_chrome_words: int = 20
    """Chrome phrase rules only fire on lines up to this many words (prose is never chrome)."""
    max_line_chars: int = 50_000
    """A longer line is not a paragraph anyone wrote (minified code, encoded data): chrome."""
    min_words_to_judge_page: int = 60
    """Pages with fewer words are not judged for language or topic."""
    min_role_share: float = 0.004
    """A page whose share of role words (lead…, manag…, boss, …) is below this is off topic."""


@dataclass(frozen=True)
class SegmentRecord:
    """One row of ``segments.parquet`` (see ``schemas.SEGMENTS``)."""

    doc_id: str
    segment_id: str
    kind: str
    author: str | None
    comment_index: int | None
    text: str
    char_start: int
    char_end: int
    status: str
    reason: str | None
    spam_score: float | None


@dataclass
class _Line:
    """A non-blank line of the page (or the part of one left after a prefix)."""

    start: int
    end: int
    text: str  # visible text, white space folded
    indent: int
    kind: str = "post"  # title | post | comment | chrome
    status: str = "kept"
    reason: str | None = None
    comment: int | None = None


# ---------------------------------------------------------------------------------------
# Chrome rules: each is (reason, predicate on the line's visible text). They describe what
# chrome looks like on any site; none of them names a line of a particular page.

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_DATE = re.compile(
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b"
    rf"|\b{_MONTHS}\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}\b)?"
    rf"|\b{_WEEKDAYS}\b"
    r"|\b\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(?:yesterday|today)\b",
    re.IGNORECASE,
)
_DATE_FILLER = re.compile(
    r"\b(?:at|on|posted|updated|published|edited|written|am|pm|[ECMP][SD]T|UTC|GMT)\b"
    r"|[|,.:;·•\-–—()\[\]]",
    re.IGNORECASE,
)

_PHRASE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("comment_form", r"\bleave a (?:reply|comment)\b|\b(?:post|add|write|submit) a "
         r"comment\b|\bemail address will not be published\b|\brequired fields are marked\b"
         r"|\bfill in your details\b|\bclick an icon to log in\b|\bnotify me of\b"
         r"|\bsave my name\b|\bcancel reply\b|^(?:post|submit) comment$"
         r"|\bmust be logged in\b|\bcomments? (?:are|is) closed\b"),
        ("login_widget", r"\byou are commenting using\b|\blog ?(?:out|in)\b|\bsign (?:in|up)\b"
         r"|\bcreate an account\b|\bforgot (?:your )?password\b|^register$"),
        ("share_widget", r"\bbloggers? like this\b|^like this:?$|\bshare this\b|\bshare on\b"
         r"|\bclick to (?:share|email|print)\b|^(?:tweet|share|like|email|print|pin it)$"
         r"|\blike or reblog\b|\breblog\b"),
        ("template", r"%[sd]\b|\{\{.*\}\}|\$\{.*\}"),
        ("counter", r"^(?:\d[\d,.]*|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
         r"(?:comments?|responses?|replies|thoughts?|likes?|shares?|views?|reads?"
         r"|trackbacks?|pingbacks?|reactions?|answers?)\b"),
        ("trackbacks", r"\b(?:trackbacks?|pingbacks?)\b"),
        ("tags", r"^(?:filed|posted|published|listed) (?:under|in)\b"
         r"|^(?:tags?|tagged(?: with)?|categor(?:y|ies)|labels?|topics?)\s*[:\-]"),
        ("navigation", r"^(?:previous|next|older|newer) (?:post|article|entry|page|story)s?\b"
         r"|^(?:read more|continue reading|skip to (?:main )?content|back to top|load more"
         r"|show more|see more|view all)\b|^(?:« |‹ |← )|(?: »| ›| →)$"),
        ("footer", r"©|\bcopyright\b|\ball rights reserved\b|\bpowered by\b"
         r"|\bprivacy policy\b|\bterms of (?:use|service)\b|\bcookies?\b"),
        ("reply_link", r"^(?:reply|reply ↓|↳ ?reply|reply to (?:this )?comment|report"
         r"|report abuse|flag|permalink|edit|quote|link)$"),
        ("author_bio", r"^about (?:the author|me|us|the blogger)$"
         r"|^(?:administrator|admin|editor|author|moderator|contributor|staff(?: writer)?"
         r"|guest author|site owner|webmaster|founder|blogger)$"
         r"|^(?:hi|hello|hey)[,!]? (?:there[,!]? )?(?:i'?m|i am|my name is)\b"
         r"|\bthis is my (?:personal )?(?:blog|site|website|corner of the web)\b"
         r"|\b(?:check|find|follow) me (?:out )?on\b"),
        ("call_to_action", r"^(?:have|did|do) you (?:claimed|registered|subscribed|signed up"
         r"|joined|created)\b.*\byour\b|\byour (?:free )?(?:account|profile|subscription"
         r"|inbox|password)\b|^(?:subscribe|sign up|join (?:now|us|our)|download (?:now|our)"
         r"|get (?:our|the) (?:free )?newsletter)\b"),
    )
)
# "About Jane Doe": a sidebar heading, told apart from prose by being a name after "About".
_ABOUT_NAME = re.compile(r"^About\s+(?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3}$")
_LONG_BIO = re.compile(r"\bthis is my (?:personal )?(?:blog|site|website)\b"
                       r"|^(?:hi|hello)[,!]? (?:there[,!]? )?(?:i'?m|i am|my name is)\b",
                       re.IGNORECASE)
_HASHTAG = re.compile(r"#\w+")
# Nouns that name parts of a web page's interface rather than anything a person says.
_UI_NOUNS = frozenset(
    """logo photo picture image icon avatar version posts menu search share tweet print
    subscribe archives categories tags login register profile followers widget sidebar
    navigation rss feed newsletter copyright privacy cookies sponsored advertisement
    loading gravatar thumbnail banner toolbar""".split()
)
_BYLINE = re.compile(r"^(?:posted|written|published)\s+by\s+(?P<name>.+?)"
                     r"(?:\s+(?:at|on|in)\s+.*)?$", re.IGNORECASE)
_BY_NAME = re.compile(r"\bby\s+(?P<name>[A-Z][^|,]{1,60})$")


def line_key(text: str) -> int:
    """A 64-bit key of a line's visible text (case folded): how site chrome is counted."""
    return int.from_bytes(hashlib.blake2b(text.casefold().encode("utf-8"), digest_size=8)
                          .digest(), "big")


@functools.lru_cache(maxsize=20_000)
def chrome_reason(text: str, settings: CleanSettings | None = None) -> str | None:
    """Why a line (visible text, folded) is site chrome, or None if it is not.

    Only short lines are tested against chrome phrases: a sentence of prose that mentions
    "log in" is not a login widget.
    """
    settings = settings or CleanSettings()
    if not any(ch.isalnum() for ch in text):
        return "markup_only"
    if len(text) > settings.max_line_chars:
        return "oversized_line"
    n_words = len(text.split())
    if n_words <= settings.max_chrome_words:
        for reason, pattern in _PHRASE_RULES:
            if pattern.search(text):
                return reason
        if _ABOUT_NAME.match(text):
            return "author_bio"
        if _is_date_line(text):
            return "byline" if _BY_NAME.search(_DATE.sub("", text).strip()) else "date"
        if _BYLINE.match(text):
            return "byline"
        if _is_hashtag_line(text):
            return "tags"
        if n_words <= 4 and _is_ui_fragment(text):
            return "ui_widget"
    elif _LONG_BIO.search(text):
        # A long first-person bio ("Hi, I'm …, this is my blog") is still sidebar chrome.
        return "author_bio"
    return None


def _is_date_line(text: str) -> bool:
    if not _DATE.search(text):
        return False
    rest = _DATE_FILLER.sub(" ", _DATE.sub(" ", text))
    rest = re.sub(r"\bby\s+[A-Z].*$", "", rest.strip())  # "March 3, 2009 by Jane" is a byline
    leftover = [w for w in rest.split() if not w.isdigit()]
    return len(leftover) <= 2


def _is_hashtag_line(text: str) -> bool:
    tokens = text.split()
    tags = [t for t in tokens if _HASHTAG.fullmatch(t.strip(".,;"))]
    return len(tags) >= 1 and len(tags) >= 0.6 * len(tokens)


def _is_ui_fragment(text: str) -> bool:
    if text[-1] in ".!?:;\"”":
        return False
    tokens = [w.lower().strip("+.,") for w in text.split()]
    if any(t in ENGLISH_STOPWORDS for t in tokens):
        return False
    return any(t in _UI_NOUNS for t in tokens)


# ---------------------------------------------------------------------------------------
# Names and titles.

_CLOSING = re.compile(
    r"^(?:(?:to|for) your \w+|(?:best |kind |warm )?regards|cheers|sincerely|yours(?: truly)?"
    r"|best(?: wishes)?|thanks(?: again)?|thank you|warmly|all the best|take care"
    r"|respectfully|with gratitude|until next time|onward|onwards)\s*[,!.]?$",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    """thanks thank cheers regards hello hi hey yes no ok okay agreed exactly true wow great
    nice cool lol etc amen indeed bravo""".split()
)
_HANDLE = re.compile(r"^[\w.@/+-]*[\d_./@][\w.@/+-]*$")
_CAPITALISED = re.compile(r"^[A-Z][\w.'’-]*$")


def looks_like_name(text: str, strict: bool = False) -> bool:
    """Whether a line reads as a person's name or a user handle.

    Lenient: 1–4 words, no sentence punctuation at the end, no function words (the layout
    around the line supplies the rest of the evidence). Strict, for a lone line at the end
    of a text: two to four capitalised words, or one token with handle characters.
    """
    text = text.strip()
    if not text or len(text) > 40 or text[-1] in ".!?:;,\"”)":
        return False
    tokens = text.split()
    if len(tokens) > 4:
        return False
    lowered = [t.lower().strip("'’") for t in tokens]
    if any(t in ENGLISH_STOPWORDS or t in _NOT_NAMES for t in lowered):
        return False
    if not all(any(ch.isalpha() for ch in t) for t in tokens):
        return False
    if not strict:
        return True
    if len(tokens) == 1:
        return bool(_HANDLE.match(tokens[0])) and not tokens[0].startswith("#")
    return all(_CAPITALISED.match(t) for t in tokens)


_TITLE_FROM_COUNTER = re.compile(
    r"\b(?:thoughts?|comments?|responses?|replies|reactions?)\s+(?:on|to)\s+[\"“‘']?"
    r"(?P<title>[^\"”’]+?)[\"”’']?\s*$",
    re.IGNORECASE,
)


def is_title_line(text: str, settings: CleanSettings | None = None) -> bool:
    """Whether the first line of a page reads as its title (short, not a sentence of prose)."""
    settings = settings or CleanSettings()
    if not text or text[-1] in ".,;" or chrome_reason(text, settings):
        return False
    return len(text) <= settings.max_title_chars and len(text.split()) <= settings.max_title_words


def find_title(raw: str) -> str | None:
    """The page's title: its first line if it reads as one, else one named by a comment
    counter ("2 thoughts on “Title”"), else None."""
    lines = _iter_lines(raw)
    first = next(lines, None)
    if first is None:
        return None
    if is_title_line(first.text):
        return first.text
    for line in lines:
        match = _TITLE_FROM_COUNTER.search(line.text)
        if match and chrome_reason(line.text) == "counter":
            return match.group("title").strip()
    return None


def prose_lines(raw: str, settings: CleanSettings | None = None) -> Iterator[str]:
    """The visible text of each line of a page that no chrome rule removes."""
    for line in _iter_lines(raw):
        if chrome_reason(line.text, settings) is None:
            yield line.text


PAGE_SAMPLE_WORDS = 5_000


def page_verdict(raw: str, settings: CleanSettings | None = None) -> tuple[str, str | None]:
    """Whether a decoded page is worth cleaning: ``("ok", None)`` or a status and reason.

    Statuses: ``empty`` (no visible text), ``chrome_only`` (every line is site chrome),
    ``foreign_language`` and ``off_topic`` (the page's own text, chrome aside, is not English
    or does not talk about leading or managing people). Cheap: line rules and word counts.
    """
    settings = settings or CleanSettings()
    prose: list[str] = []
    chrome: Counter[str] = Counter()
    n_words = 0
    # Language and topic are judged on a sample of the page's prose, enough to be sure.
    for line in _iter_lines(raw):
        reason = chrome_reason(line.text, settings)
        if reason is not None:
            chrome[reason] += 1
        else:
            prose.append(line.text)
            n_words += len(line.text.split())
            if n_words >= PAGE_SAMPLE_WORDS:
                break
    if not prose:
        if not chrome or set(chrome) == {"markup_only"}:
            return "empty", "no visible text (only markup or punctuation)"
        return "chrome_only", (f"all {sum(chrome.values())} lines are site chrome ("
                               + ", ".join(f"{r} {n}" for r, n in sorted(chrome.items())) + ")")
    text = "\n".join(prose)
    tokens = words(text)
    if len(tokens) < settings.min_words_to_judge_page:
        return "ok", None
    language = language_problem(text, tokens)
    if language:
        return "foreign_language", f"not English ({language})"
    share = role_word_share(tokens)
    if share < settings.min_role_share:
        return "off_topic", (f"{share:.2%} of {len(tokens)} words name leading or managing "
                             f"roles (below {settings.min_role_share:.2%})")
    return "ok", None


# ---------------------------------------------------------------------------------------
# Structure: title, post and comment thread.

_NUMBERED = re.compile(r"^(?P<marker>\d{1,3}[.)])\s+")
_SAYS = re.compile(
    r"^(?P<name>[^\s:][^:]{0,60}?)(?:\s+on\s+.{4,60}?)?\s+(?:says|said|wrote|writes|replied"
    r"|commented)\s*(?::|\.\.\.|…)?$",
    re.IGNORECASE,
)
_LABEL_PREFIX = re.compile(r"^(?P<label>[^:\n]{2,60}?):\s+(?=\S)")
_ANSWER_WORDS = re.compile(r"\b(?:answer|feedback|reply|response|comment|re)\b", re.IGNORECASE)


def _iter_lines(raw: str) -> Iterator[_Line]:
    pos = 0
    for line in raw.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            end = start + len(stripped)
            text = _line_text(stripped)
            indent = len(line[:lead].expandtabs(4))
            yield _Line(start=start, end=end, text=text, indent=indent)
        pos += len(line) + 1


@functools.lru_cache(maxsize=20_000)
def _line_text(line: str) -> str:
    # Pages repeat their chrome and the stages read a page more than once: cache per line.
    return fold(visible_text(line).text)


def _answer_labels(lines: list[_Line]) -> set[str]:
    """Prefixes like "Site Feedback:" that open several lines: a forum's answer label."""
    counts = Counter()
    for line in lines:
        match = _LABEL_PREFIX.match(line.text)
        if match:
            counts[match.group("label")] += 1
    return {
        label for label, n in counts.items()
        if n >= 2 and len(label.split()) <= 6 and not label.lower().startswith("http")
        and (_ANSWER_WORDS.search(label) or n >= 3)
    }


def _split_prefix(line: _Line, raw: str, prefix_len_visible: int) -> tuple[_Line, _Line]:
    """Split a line after its first ``prefix_len_visible`` visible characters."""
    view = visible_text(raw, line.start, line.end)
    cut = prefix_len_visible
    while cut < len(view.text) and view.text[cut].isspace():
        cut += 1
    body_start = view.offsets[cut] if cut < len(view.text) else line.end
    head = _Line(line.start, view.offsets[prefix_len_visible - 1] + 1,
                 view.text[:prefix_len_visible].strip(), line.indent)
    body = _Line(body_start, line.end, fold(view.text[cut:]), line.indent)
    return head, body


class _Thread:
    """Builds the comment thread while the lines are read in order."""

    def __init__(self) -> None:
        self.authors: list[str | None] = []
        self.current: int | None = None
        self.started = False

    def open(self, author: str | None) -> int:
        self.started = True
        self.authors.append(author)
        self.current = len(self.authors) - 1
        return self.current

    def close(self) -> None:
        self.current = None


def _structure(lines: list[_Line], raw: str, settings: CleanSettings,
               site_lines: Collection[int]) -> tuple[list[_Line], list[str | None], str | None]:
    """Assign each line its kind, comment and chrome status. Returns the lines (some split
    in two), the comment authors and the post's author."""
    labels = _answer_labels(lines)
    thread = _Thread()
    post_author: str | None = None
    out: list[_Line] = []

    def chrome(line: _Line, reason: str) -> None:
        line.kind, line.status, line.reason = "chrome", "boilerplate", reason
        out.append(line)

    i = 0
    title_slot = True  # the title is the first line, site chrome (a banner) aside
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        reason = chrome_reason(line.text, settings)
        if (reason is None and site_lines and line_key(line.text) in site_lines
                and not _comment_header(line, nxt, settings)):
            # Checked before the title: a site's banner heads every page but titles none.
            # A regular commenter's header recurs too, but it opens a comment.
            reason = "site_repeated"
        if title_slot and reason is None and is_title_line(line.text, settings):
            line.kind = "title"
            out.append(line)
            title_slot = False
            i += 1
            continue
        title_slot = title_slot and reason == "site_repeated"
        posted = _BYLINE.match(line.text)
        if reason in ("byline", "date") and posted and thread.started:
            # "Posted by Name at 10:32 AM" inside a thread opens that person's comment.
            thread.open(posted.group("name").strip())
            chrome(line, "comment_header")
            i += 1
            continue
        if reason is not None:
            if reason == "counter":
                thread.started = True
                thread.close()
            elif reason in ("reply_link", "comment_form"):
                thread.close()
            elif reason == "byline" and not thread.started:
                match = _BYLINE.match(line.text) or _BY_NAME.search(line.text)
                post_author = post_author or (match.group("name").strip() if match else None)
            chrome(line, reason)
            i += 1
            continue

        # "Name says:" / "Name on March 3, 2009 said:" / "Posted by Name at …" in a thread.
        says = _SAYS.match(line.text)
        if says and looks_like_name(says.group("name")):
            thread.open(says.group("name").strip())
            chrome(line, "comment_header")
            i += 1
            continue
        if posted and thread.started:
            thread.open(posted.group("name").strip())
            chrome(line, "comment_header")
            i += 1
            continue

        # A name repeated on two lines, or a name (maybe numbered) followed by a date line.
        numbered = _NUMBERED.match(line.text)
        name_text = line.text[numbered.end():] if numbered else line.text
        if nxt is not None and looks_like_name(name_text):
            if nxt.text == line.text:
                thread.open(name_text)
                chrome(line, "comment_header")
                chrome(nxt, "comment_header")
                i += 2
                continue
            if chrome_reason(nxt.text, settings) == "date":
                thread.open(name_text)
                chrome(line, "comment_header")
                i += 1  # the date line is handled as chrome on its own
                continue

        # A recurring answer label ("Site Feedback: …") opens an answer with no author.
        prefix = _LABEL_PREFIX.match(line.text)
        if prefix and prefix.group("label") in labels:
            head, body = _split_prefix(line, raw, len(prefix.group("label")) + 1)
            thread.open(None)
            chrome(head, "answer_label")
            lines[i] = body
            _assign(body, thread, out)
            i += 1
            continue

        # A numbered item in the thread opens a comment whose first line is its text.
        if numbered and thread.started:
            thread.open(None)
            _, body = _split_prefix(line, raw, len(numbered.group("marker")))
            _assign(body, thread, out)
            i += 1
            continue

        _assign(line, thread, out)
        i += 1
    return out, thread.authors, post_author


def _comment_header(line: _Line, nxt: _Line | None, settings: CleanSettings) -> bool:
    """Whether a line opens a comment by one of the layouts ``_structure`` reads."""
    says = _SAYS.match(line.text)
    if says and looks_like_name(says.group("name")):
        return True
    numbered = _NUMBERED.match(line.text)
    name_text = line.text[numbered.end():] if numbered else line.text
    return nxt is not None and looks_like_name(name_text) and (
        nxt.text == line.text or chrome_reason(nxt.text, settings) == "date")


def _assign(line: _Line, thread: _Thread, out: list[_Line]) -> None:
    if thread.started:
        if thread.current is None:
            thread.open(None)
        line.kind, line.comment = "comment", thread.current
    else:
        line.kind = "post"
    out.append(line)


def _mark_signoffs(lines: list[_Line], authors: list[str | None]) -> str | None:
    """Mark closing formulas and trailing name lines of the post and of each comment as
    sign-offs; fill in authors from them. Returns the post's author if one signed it."""
    post_author = None
    owners: dict[int | None, list[_Line]] = {}
    for line in lines:
        if line.status == "kept" and line.kind in ("post", "comment"):
            owners.setdefault(line.comment, []).append(line)
    for owner, owned in owners.items():
        last = owned[-1]
        if len(owned) < 2 or not looks_like_name(last.text, strict=True):
            continue
        last.kind, last.status, last.reason = "chrome", "boilerplate", "signoff"
        before = owned[-2]
        if _CLOSING.match(before.text):
            before.kind, before.status, before.reason = "chrome", "boilerplate", "signoff"
        if owner is None:
            post_author = last.text
        elif authors[owner] is None:
            authors[owner] = last.text
    for line in lines:  # a closing formula alone, with no name after it
        if line.status == "kept" and line.kind == "post" and _CLOSING.match(line.text) and (
            line.text.endswith(",")
        ):
            line.kind, line.status, line.reason = "chrome", "boilerplate", "signoff"
    return post_author


# Chrome that comes in runs of widgets; a short fragment between two of them is part of the
# run (the "Twitter" between "Share this:" and "Like this:"), unlike a comment header.
_WIDGET_REASONS = frozenset({"share_widget", "login_widget", "ui_widget", "tags", "navigation",
                             "footer", "comment_form", "template", "call_to_action",
                             "author_bio", "site_repeated"})


def _mark_widget_fragments(lines: list[_Line]) -> None:
    for before, line, after in zip(lines, lines[1:], lines[2:]):
        if (
            line.status == "kept"
            and before.reason in _WIDGET_REASONS
            and after.reason in _WIDGET_REASONS
            and len(line.text.split()) <= 3
            and line.text[-1] not in ".!?"
        ):
            line.kind, line.status, line.reason = "chrome", "boilerplate", "ui_widget"


def _mark_repeats(lines: list[_Line]) -> None:
    seen: set[str] = set()
    for line in lines:
        key = line.text.casefold()
        if line.status == "kept" and key in seen:
            line.status, line.reason = "duplicate", "repeated_line"
        if line.reason != "comment_header":
            seen.add(key)


def clean_document(doc_id: str, raw: str, settings: CleanSettings | None = None,
                   site_lines: Collection[int] = frozenset()) -> list[SegmentRecord]:
    """Split one page into segments with their status (see ``schemas.SEGMENTS``).

    Consecutive lines with the same kind, owner and status form one segment; removed text
    stays as segments with status ``boilerplate``, ``spam`` or ``duplicate`` and a reason.
    ``site_lines`` holds the ``line_key`` of each line that is chrome on the page's site.
    """
    settings = settings or CleanSettings()
    lines = list(_iter_lines(raw))
    lines, authors, post_author = _structure(lines, raw, settings, site_lines)
    _mark_widget_fragments(lines)
    post_author = _mark_signoffs(lines, authors) or post_author
    _mark_repeats(lines)

    page_vocab = page_vocabulary(
        line.text for line in lines if line.kind in ("title", "post") and line.status == "kept"
    )
    scores: dict[int, float] = {}
    for index in range(len(authors)):
        body = "\n".join(
            line.text for line in lines
            if line.comment == index and line.kind == "comment" and line.status == "kept"
        )
        verdict = score_comment(body, page_vocab, settings.spam)
        scores[index] = verdict.score
        if verdict.score >= settings.spam.threshold:
            for line in lines:
                if line.comment == index and line.kind == "comment" and line.status == "kept":
                    line.status, line.reason = "spam", verdict.describe()

    return list(_segments(doc_id, raw, lines, authors, post_author, scores))


def _segments(doc_id: str, raw: str, lines: list[_Line], authors: list[str | None],
              post_author: str | None, scores: dict[int, float]) -> Iterator[SegmentRecord]:
    groups: list[list[_Line]] = []
    for line in lines:
        key = (line.kind, line.comment, line.status, line.reason)
        if groups and (groups[-1][-1].kind, groups[-1][-1].comment, groups[-1][-1].status,
                       groups[-1][-1].reason) == key and line.kind != "title":
            groups[-1].append(line)
        else:
            groups.append([line])
    for number, group in enumerate(groups):
        first, last = group[0], group[-1]
        if first.kind == "comment":
            author = authors[first.comment]
        elif first.kind == "post":
            author = post_author
        else:
            author = None
        text = "\n".join(line.text for line in group)
        yield SegmentRecord(
            doc_id=doc_id,
            segment_id=f"{doc_id}/{number:04d}",
            kind=first.kind,
            author=author,
            comment_index=first.comment,
            text=text,
            char_start=first.start,
            char_end=last.end,
            status=first.status,
            reason=first.reason,
            spam_score=scores.get(first.comment) if first.comment is not None else None,
        )


def clean_documents(documents: Iterable[tuple[str, str]] | Iterable[
                        tuple[str, str, Collection[int]]],
                    settings: CleanSettings | None = None) -> Iterator[SegmentRecord]:
    """Clean every ``(doc_id, raw_text)`` or ``(doc_id, raw_text, site_lines)``, in order."""
    for doc_id, raw, *site_lines in documents:
        yield from clean_document(doc_id, raw, settings, *site_lines)
