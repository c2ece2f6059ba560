"""Spam scoring of comments: how far a comment is from its page's topic, and spam signals.

A comment is spam because of what it says (LABELING.md), so the score reads only its text:

- **off-topic**: the share of its content words that belong to the page (title and post) or
  to the subject of leadership and management. Short comments carry little evidence, so this
  part is weighted by length: a short on-topic or merely polite comment is never removed.
- **spam signals**: vocabularies of the usual spam trades (pharmacy and medical offers,
  gambling and crypto, dating, sales pitches), link drops, self-promotion with vague
  flattery, text in another language, and long pasted text with no sentences.

The parts are combined as a noisy-OR into a score between 0 and 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|ru|cn|io|co)\b",
                  re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")

# Common English function words: the share of them tells English prose from other languages
# and from keyword lists.
ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing down
    during each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just let me more most my myself no nor
    not now of off on once only or other ought our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves don't can't
    won't isn't aren't it's i'm i've i'd you're they're we're there's that's let's one
    get got make made may might must much many really well even still yet though however
    every""".split()
)

# Function words of other languages written in Latin script (es, fr, de, it, pt, nl), chosen
# to avoid words that are also English.
FOREIGN_STOPWORDS = frozenset(
    """de la el que y los las del se por con para una es muy pero como más lo su al le les
    des et est une pour dans du qui pas sur ce ne avec sont mais nous vous der die das
    und ist nicht ein eine mit sich auch auf für dem den von zu wir sie es ich du il di
    che per non sono della nel gli questo molto não com uma os ao mais het een van niet
    ik je dat zijn wat ook gracias merci danke grazie obrigado bueno buena""".split()
)

# The subject of the pages this pipeline reads: words about leading and managing people.
# Matched as prefixes of lowercased words.
TOPIC_PREFIXES = (
    "lead", "manag", "boss", "supervis", "execut", "ceo", "director", "chief", "head",
    "team", "staff", "employ", "worker", "subordinat", "colleag", "cowork", "co-work",
    "people", "person", "follower", "follow", "organi", "compan", "business", "corporat",
    "firm", "workplace", "office", "job", "work", "career", "role", "position", "title",
    "responsib", "duty", "duties", "decision", "decide", "vision", "strateg", "goal",
    "mission", "motivat", "inspir", "mentor", "coach", "train", "delegat", "authorit",
    "power", "influenc", "hire", "hiring", "promot", "skill", "trait", "quality",
    "qualities", "disciplin", "process", "control", "plan", "budget", "result", "perform",
    "accountab", "culture", "change", "communic", "trust", "respect", "relationship",
    "conflict", "project", "department", "military", "troop", "command", "hierarch",
    "author", "book", "article", "post", "discuss", "point", "agree", "disagree", "opinion",
    "experience", "distinct", "differ", "concept", "theory", "function", "efficien",
    "effective", "success", "fail", "vision", "values", "moral", "ethic", "empower",
    "direct", "guid", "steer", "run", "oversee", "admin", "govern", "board", "owner",
    "founder", "captain", "coach", "officer", "sergeant", "general", "servant", "charism",
    "competen", "incompet", "capab", "abilit", "talent", "productiv", "metric", "measur",
    "report", "meeting", "feedback", "review", "salary", "reward", "recogni", "crew",
    "department", "unit", "group", "org", "corporate", "industry", "profession",
)

# Vocabularies of spam trades. Each is a category of offer, not text of any one comment.
SPAM_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "medical_terms": (
        "viagra", "cialis", "levitra", "pharmacy", "pharmacies", "pill", "prescription",
        "dosage", "medication", "surgery", "surgical", "implant", "clinic", "hormone",
        "estrogen", "testosterone", "weight loss", "diet", "supplement", "cbd", "xanax",
        "tramadol", "erectile", "side effect", "side-effect", "detox", "botox", "cosmetic",
        "hair loss", "breast", "rectum", "bladder", "medical",
    ),
    "gambling_crypto": (
        "casino", "poker", "slots", "jackpot", "betting", "sportsbook", "roulette",
        "blackjack", "lottery", "bitcoin", "crypto", "forex", "binary option", "nft",
        "airdrop", "token sale", "trading signal", "passive income", "double your",
    ),
    "dating_adult": (
        "dating", "singles", "hookup", "sexy", "webcam", "escort", "porn", "xxx", "nude",
        "adult content", "meet girls",
    ),
    "sales_pitch": (
        "buy now", "order now", "discount", "coupon", "promo code", "free shipping",
        "best price", "cheap", "limited offer", "limited time", "click here", "visit our",
        "visit my", "check out my", "our website", "my website", "my site", "call now",
        "sign up now", "free trial", "money back", "guarantee", "per month", "% off",
        "earn money", "make money", "work from home", "seo service", "backlink",
    ),
    "vague_flattery": (
        "great post", "nice post", "nice article", "great article", "awesome post",
        "informative post", "very informative", "keep it up", "keep up the good work",
        "bookmarked", "bookmark", "thanks for sharing", "nice blog", "great blog",
        "i will share", "subscribe to your", "your rss", "really enjoyed",
    ),
}
_SIGNAL_WEIGHTS: dict[str, float] = {
    "medical_terms": 0.35,
    "gambling_crypto": 0.45,
    "dating_adult": 0.45,
    "sales_pitch": 0.3,
    "vague_flattery": 0.1,
}


@dataclass(frozen=True)
class SpamSettings:
    """Named settings of the spam scorer."""

    threshold: float = 0.5
    """Comments scoring at or above this are removed as spam."""
    on_topic_density: float = 0.2
    """Share of page/topic words at which a comment counts as fully on topic."""
    confident_length: int = 25
    """Content words at which the off-topic evidence gets its full weight."""
    off_topic_weight: float = 0.85
    pasted_min_words: int = 80
    """A comment this long with almost no sentence ends reads as pasted text."""


@dataclass(frozen=True)
class SpamVerdict:
    """The score of a comment and what contributed to it."""

    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One-line description for the audit column."""
        return f"spam score {self.score:.2f}: " + (", ".join(self.reasons) or "no signal")


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` (letters only, apostrophes kept inside words)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    # A deliberately crude stem: enough to let "managers"/"managing" or "leads"/"leader"
    # meet, without a language model in the cleaning stage.
    for suffix in ("ations", "ation", "ings", "ing", "ers", "ies", "ed", "er", "es", "s", "ly"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def page_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Stems of the content words of the page's own text (title and post)."""
    return frozenset(
        _stem(w) for text in texts for w in words(text) if w not in ENGLISH_STOPWORDS and len(w) > 2
    )


def _is_topic_word(word: str) -> bool:
    return word.startswith(TOPIC_PREFIXES)


def score_comment(text: str, page_vocab: frozenset[str],
                  settings: SpamSettings | None = None) -> SpamVerdict:
    """Score a comment for being off the page's topic or spam, between 0 and 1."""
    settings = settings or SpamSettings()
    tokens = words(text)
    if not tokens:
        links = len(_URL.findall(text))
        return SpamVerdict(0.6, ("link only",)) if links else SpamVerdict(0.0)
    content = [w for w in tokens if w not in ENGLISH_STOPWORDS and len(w) > 2]
    reasons: list[str] = []
    signals: list[float] = []

    off_topic = 1.0
    if content:
        relevant = sum(1 for w in content if _is_topic_word(w) or _stem(w) in page_vocab)
        density = relevant / len(content)
        off_topic = max(0.0, 1.0 - density / settings.on_topic_density)
        confidence = min(1.0, len(content) / settings.confident_length)
        weight = settings.off_topic_weight * off_topic * confidence
        if weight > 0.05:
            reasons.append(f"off topic {off_topic:.2f} over {len(content)} words")
            signals.append(weight)

    lowered = " ".join(tokens)
    raw_lower = text.lower()
    for name, vocabulary in SPAM_VOCABULARIES.items():
        hits = sum(1 for term in vocabulary if _contains(lowered, raw_lower, term))
        if hits:
            # Each further hit adds evidence, with diminishing returns.
            strength = 1.0 - (1.0 - _SIGNAL_WEIGHTS[name]) ** hits
            signals.append(strength)
            reasons.append(f"{name} ({hits})")

    links = len(_URL.findall(text))
    if links:
        # A link with little off-topic text around it is the classic link drop; a link in
        # an on-topic comment (a reference, a source) is only weak evidence.
        strength = (0.15 + 0.4 * off_topic) if len(content) < 30 else (0.1 + 0.2 * off_topic)
        signals.append(min(0.8, strength * links))
        reasons.append(f"links ({links})")

    language = language_problem(text, tokens)
    if language:
        signals.append(0.9)
        reasons.append(language)

    if len(tokens) >= settings.pasted_min_words:
        ends = len(_SENTENCE_END.findall(text))
        if ends <= len(tokens) / 60:
            signals.append(0.3)
            reasons.append(f"pasted text ({len(tokens)} words, {ends} sentence ends)")

    keep = math.prod(1.0 - s for s in signals)
    return SpamVerdict(round(1.0 - keep, 4), tuple(reasons))


def language_problem(text: str, tokens: list[str] | None = None) -> str | None:
    """Why ``text`` is not English ("non-Latin script", "another language"), or None."""
    tokens = words(text) if tokens is None else tokens
    letters = sum(1 for ch in text if ch.isalpha())
    non_latin = sum(1 for ch in text if ch.isalpha() and not _is_latin(ch))
    if letters and non_latin / letters > 0.3:
        return "non-Latin script"
    english = sum(1 for w in tokens if w in ENGLISH_STOPWORDS)
    foreign = sum(1 for w in tokens if w in FOREIGN_STOPWORDS)
    if foreign >= 2 and foreign > english:
        return "another language"
    return None


# The roles themselves, for judging whether a whole page is about them.
_ROLE_WORD = re.compile(r"^(?:lead|manag|boss|supervis|execut|ceo|chief|director|foreman"
                        r"|captain|commander)")


def role_word_share(tokens: list[str]) -> float:
    """Share of ``tokens`` that name leading or managing roles (lead…, manag…, boss, …)."""
    if not tokens:
        return 0.0
    return sum(1 for w in tokens if _ROLE_WORD.match(w)) / len(tokens)


def _contains(lowered_words: str, raw_lower: str, term: str) -> bool:
    if term.isalpha():
        # The word itself or its plural: "pill" must not match "pillar".
        return re.search(rf"\b{re.escape(term)}(?:s|es)?\b", lowered_words) is not None
    return term in raw_lower


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF
