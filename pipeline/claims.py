"""Stage 5, claims: what each trait or relationship sentence claims, as structured records.

``extract_claims`` reads the labeled sentences (``sentences.parquet``) and parses only those
labeled ``leadership_trait``, ``management_trait`` or ``relationship_claim`` with spaCy (tagger,
parser, lemmatizer). Every such sentence yields at least one claim; ``other`` never does.
``build_traits`` (or ``TraitTally``, batch by batch) counts trait claims per role and canonical
trait (``traits.parquet``). Each phrase keeps its offsets in the raw document.

Rules, all read off the dependency parse and small cue-word lists (never off page strings):

**Role of a clause.** The subject names the role: leader, leadership, manager, management,
managerial, or the verbs lead/manage used as roles ("Managing people is ...", "leaders inspire",
"you lead a team through a crisis"; not "lead to higher costs", "managed to finish", "leading
companies"). A role word modifying skill/role/team/... counts ("leadership skills"). In a trait
sentence the role is always the label's, and a clause also counts when its subject is an
authority noun (boss, supervisor, executive, ...) or it opens with "as managers, we ..."; failing
those, a pointing pronoun ("this", "they") subject of the main clause. Relative pronouns stand
for the noun they modify.

**Trait claims.** One claim per predicate of each such clause: "X is (about) Y", "X has more to
do with Y", "X will/should/can/must Y", "X means/involves/requires Y", with their negations.
Conjoined predicates are separate claims ("will be patient and listen to everyone"), but a
verb with no complement of its own joins the next one ("plan and staff the project") unless
"but" parts them. For be/mean/involve/require/... the phrase is the complement ("about setting
direction"); for "has more to do with Y" it is Y; otherwise it is the verb and its
complements, without subject, modal and negation. ``negated``: a "not"/"never" on the verb,
"no"/"nothing"/"neither" on its complement, "has nothing/little to do with". With no role clause,
the main clause's predicate is used (below "I think that ..."), and failing that (or when it is
a single word after a pronoun) the whole sentence.

**Predicate heads.** A ``spacy.matcher.DependencyMatcher`` (built once per vocabulary) holds
declarative patterns for the constructions above, each anchored on a subject that is a role word
(leader(s), leadership, manager(s), management, managerial, leading, managing) and requiring
the predicate after it, so questions ("Should leaders ...?") do not match: ``copula`` ("X is
Y", attribute/complement), ``copula_about`` ("X is (not) about Y", prepositional complement),
``more_to_do_with`` ("X has more/nothing to do with Y"), ``modal`` ("X will/should/can/must Y",
the modal after the subject) and ``linking`` ("X means/involves/requires Y"). Negation is not
part of a pattern (it is read off the head), so the negated forms match too. ``predicate_matches``
lists them; their predicate nodes are the clause heads, and "has more to do with"'s "with" node
gives Y. Hand-written tree walking remains only where a pattern cannot express it: conjoined
predicates that share the subject (any depth of coordination, and verbs conjoined to a
copula's complement), and, as fallback, clause heads whose subject is not a role word (a
relative pronoun, "leadership skills", "Managing people", an authority noun, "this", "as
managers, we") or whose predicate is none of the constructions ("Leaders inspire people").

**Relationship claims.** One per relationship sentence, role ``both``, first in the sentence.
If the sentence gives traits of both roles side by side (clauses with a role subject whose
predicate names no other role: "Managers plan budgets; leaders set direction", "While
management counts things, leadership moves people"), the relation
is ``distinct`` and one trait claim per such predicate follows. Otherwise the strongest cue
decides (a word naming the relation beats a construction, which beats a hint; ties: a cue after
"but"/"however" first, then the earliest):
- distinct: differ, difference (not "make a difference"), distinction, distinguish, versus,
  unlike; different/distinct/separate said of the roles ("two different jobs", not "in
  different ways"); whereas; "while" between clauses naming the roles; "apart";
- same: synonymous, interchangeable, identical, equivalent, "the same"; "a leader is a manager"
  ("and vice versa" makes it stronger); "managers regard themselves as leaders";
- complementary: complement, intertwined, combination, interdependent, inseparable, "hand in
  hand", "sides of the same coin", "work together", "each other" with a friendly verb ("support
  each other"), "cannot ... without" a role;
- opposed: opposing, opposite, conflict, contradict, incompatible, exclusive, "at odds",
  "against each other", a hostile verb with "each other" ("undermine each other");
- overlapping: overlap; "a leader can be a manager"; "a leader can also manage";
- hierarchical: report/answer to, superimposed, subordinate, subset, "part of", X includes Y,
  above/below/over a role, superior, a transition/promotion/move from one role to the other,
  "buy into" or follow the other role, "higher than the managers", "managing the leaders";
- both_needed: "both" as an argument ("good at both", "needs both"); need/require/must/have
  to/important/essential in a clause naming both roles; "a leader must be a manager"; "a boss
  who is unable to lead" or "cannot lead";
- no cue: distinct (a relationship sentence that says nothing more still sets them apart).
A negated cue (its own "not"/"no", or that of the copula or verb it depends on, but not of a
verb it is the object of: "never drew the distinction") turns into the opposite relation where
there is one: not the same -> distinct, no difference / not separate -> same, not (mutually)
exclusive / not opposed -> overlapping, cannot function apart -> complementary, managers unable
to lead -> both_needed, cannot be managers -> distinct. Other negated cues keep their relation with
``negated`` true ("you do not need to be a manager to show leadership"). The phrase is
the cue's clause, or a cue noun's phrase when it names the roles ("a distinction between
leaders and managers"), joined with adjacent clauses of the same relation; for a contrast,
the contrasted clauses; with no cue, the sentence without its speech frame ("X said, ...").

**Attribution.** A speech verb (say, write, argue, note, ...) whose subject, its own or shared
through coordination or "used to", is a proper name ("My coach Jane Smith says" gives "Jane
Smith"), "as Kotter argues", "according to Jane Doe"; otherwise the previous sentence of the
same segment when it is "Name writes:" / "Name says:". All claims of a sentence share it.

**Canonical trait.** Lemmas of the phrase, lower case, without stop words (verbs and nouns are
kept), hedges (maybe, simply, usually, ...), the copula and the negation; people nouns (people,
folks, others, staff, employees, team, troops, ...) become "people"; a leading light noun ("the
ability to", "the art of") is dropped. So "inspire folks" and "inspiring people" meet.

**Traits table.** One row per (role, trait) over the trait claims of role leadership or
management, except negated ones: a negated claim denies the trait, so it is not counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from pipeline.text import VisibleText, visible_text

LEADERSHIP, MANAGEMENT, BOTH = "leadership", "management", "both"
TRAIT_LABELS: dict[str, str] = {"leadership_trait": LEADERSHIP, "management_trait": MANAGEMENT}
RELATIONSHIP_LABEL = "relationship_claim"
CLAIM_LABELS = (*TRAIT_LABELS, RELATIONSHIP_LABEL)


@dataclass(frozen=True)
class ClaimRecord:
    """One row of ``claims.parquet`` (see ``schemas.CLAIMS``)."""

    claim_id: str
    sentence_id: str
    doc_id: str
    kind: str
    role: str
    phrase: str
    trait: str | None
    relation: str | None
    negated: bool
    attributed_to: str | None
    char_start: int
    char_end: int


@dataclass(frozen=True)
class TraitRecord:
    """One row of ``traits.parquet`` (see ``schemas.TRAITS``)."""

    role: str
    trait: str
    n_claims: int
    n_documents: int
    n_authors: int
    example_sentence_id: str
    example_phrase: str


# ---------------------------------------------------------------------------------------
# Vocabulary

_ROLE_NOUNS: dict[str, str] = {
    "leader": LEADERSHIP, "leaders": LEADERSHIP, "leadership": LEADERSHIP,
    "leaderships": LEADERSHIP,
    "manager": MANAGEMENT, "managers": MANAGEMENT, "management": MANAGEMENT,
    "managements": MANAGEMENT, "managerial": MANAGEMENT,
}
_ROLE_VERBS: dict[str, str] = {"lead": LEADERSHIP, "manage": MANAGEMENT}
_GERUNDS: dict[str, str] = {"leading": "lead", "managing": "manage"}
# Heads on which a role modifier names the role ("leadership skills", "management role").
_ASPECT_NOUNS = frozenset({
    "skill", "role", "position", "style", "team", "quality", "trait", "function", "job",
    "discipline", "network", "hierarchy", "level", "ability", "duty", "responsibility",
    "task", "work", "side", "mindset", "approach", "capability", "competence",
})
# Nouns that take the sentence label's role in a trait sentence.
_AUTHORITY_NOUNS = frozenset({
    "boss", "supervisor", "executive", "exec", "director", "ceo", "chief", "superior",
    "administrator", "foreman", "overseer", "superintendent", "captain", "commander",
})
_POINTING_PRONOUNS = frozenset({"this", "that", "these", "those", "they", "it", "he", "she"})
_PERSONAL_PRONOUNS = frozenset({"we", "you", "i", "one", "us"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_CLAUSE_DEPS = frozenset({"advcl", "ccomp", "parataxis", "conj", "relcl"})
_MODALS_ABILITY = frozenset({"can", "could", "may", "might", "ca"})
_MODALS_DUTY = frozenset({"must", "should", "ought", "need"})
_BE_FORMS = frozenset({
    "'s", "’s", "'re", "’re", "'m", "’m", "is", "are", "am", "was", "were", "be", "been",
    "being",
})
# Verbs whose complement, not the verb, is the trait ("Leadership means vision").
_LINKING_VERBS = frozenset({"be", "mean", "involve", "entail", "require", "equal", "constitute"})
# Main-clause verbs to look below for the claim ("I think that ...").
_FRAME_VERBS = frozenset({
    "think", "believe", "learn", "feel", "guess", "agree", "know", "find", "see", "suggest",
    "say", "confess", "remember", "realize", "realise", "note", "argue", "write", "hope",
    "expect", "imagine", "assume", "suppose", "understand", "recognize", "recognise",
    "notice", "observe", "claim", "state", "explain", "add", "insist", "maintain", "reckon",
})
_SPEECH_VERBS = frozenset({
    "say", "write", "argue", "note", "claim", "state", "observe", "explain", "suggest",
    "tell", "insist", "assert", "remark", "add", "define", "describe", "teach", "quote",
    "contend", "declare", "emphasize", "emphasise", "stress", "warn", "posit", "propose",
    "conclude", "advise", "opine", "put", "point", "maintain", "imply", "reply", "answer",
    "comment", "mention", "remind",
})
_SPEECH_IRREGULAR = frozenset({"said", "wrote", "told", "taught", "put"})
_HEDGES = frozenset({
    "maybe", "perhaps", "probably", "possibly", "potentially", "likely", "simply", "basically",
    "essentially", "actually", "truly", "really", "certainly", "definitely", "obviously",
    "clearly", "surely", "generally", "usually", "typically", "mostly", "mainly", "largely",
    "primarily", "sometimes", "often", "somehow", "somewhat", "kind", "sort", "bit", "etc",
    "just", "merely", "only", "always", "also", "even", "especially", "particularly",
})
_PEOPLE = frozenset({
    "people", "folk", "folks", "person", "persons", "other", "others", "staff", "employee",
    "team", "worker", "subordinate", "troop", "member", "colleague", "individual", "human",
    "workforce", "personnel", "crew", "guy",
})
_LIGHT_NOUNS = frozenset({
    "ability", "capacity", "art", "skill", "act", "process", "matter", "job", "business",
    "practice", "science", "capability",
})
_ADVERSATIVES = frozenset({"but", "however", "yet", "instead", "although", "though"})
_DISCOURSE = frozenset({"so", "however", "therefore", "thus", "hence", "also", "then", "and",
                        "but", "or", "well", "now"})
_OPENERS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_SYMMETRIC_QUOTES = frozenset({'"', "'"})

# Relationship cues. A cue has a relation, a strength (3 a word that names the relation, 2 a
# construction that implies it, 1 a hint) and the relation it turns into when negated.
_DISTINCT_WORDS = frozenset({
    "differ", "difference", "differentiate", "differentiation", "distinction", "distinguish",
    "dichotomy", "contrast", "versus", "vs", "vs.",
})
_SAME_WORDS = frozenset({"synonymous", "synonym", "interchangeable", "interchangeably"})
_COMPLEMENT_WORDS = frozenset({
    "complement", "complementary", "intertwine", "intertwined", "combination", "combine",
    "interdependent", "interdependence", "interconnect", "interconnected", "inseparable",
    "symbiotic", "synergy", "interrelated", "interlinked",
})
_OPPOSED_WORDS = frozenset({
    "oppose", "opposing", "opposition", "antithesis", "antithetical", "conflict",
    "conflicting", "contradict", "contradictory", "clash",
})
# Adjectives that carry a relation only when predicated of the roles ("they are different
# jobs", not "in different ways"): relation, strength, relation when negated.
_PREDICATIVE: dict[str, tuple[str, int, str | None]] = {
    "different": ("distinct", 3, "same"),
    "distinct": ("distinct", 3, "same"),
    "separate": ("distinct", 3, "same"),
    "same": ("same", 3, "distinct"),
    "identical": ("same", 3, "distinct"),
    "equivalent": ("same", 3, "distinct"),
    "alike": ("same", 3, "distinct"),
    "opposite": ("opposed", 3, "overlapping"),
    "opposed": ("opposed", 3, "overlapping"),
    "exclusive": ("opposed", 3, "overlapping"),
    "incompatible": ("opposed", 3, "overlapping"),
}
_HOSTILE_VERBS = frozenset({
    "diminish", "undermine", "weaken", "hinder", "cancel", "fight", "compete", "conflict",
    "clash", "contradict", "destroy", "hurt", "harm", "oppose", "offset", "counteract",
    "negate", "sabotage", "block",
})
_HIERARCHY_WORDS = frozenset({
    "superimpose", "subordinate", "subset", "superset", "subsume", "subordinated",
})
_CONTAIN_VERBS = frozenset({"include", "encompass", "contain", "incorporate", "comprise"})
_POSITION_PREPS = frozenset({"above", "below", "beneath", "over", "under", "atop", "beyond"})
_MOVE_WORDS = frozenset({
    "transition", "move", "step", "promote", "promotion", "graduate", "evolve", "progress",
    "rise", "grow", "advance", "elevate", "path", "journey", "shift",
})
_FOLLOW_VERBS = frozenset({"follow", "serve", "obey", "execute", "implement"})
_NEED_WORDS = frozenset({
    "need", "require", "requirement", "necessary", "necessity", "essential", "important",
    "vital", "crucial", "indispensable", "must", "should", "key",
})
_PERCEPTION_VERBS = frozenset({"see", "find", "notice", "perceive", "recognize", "recognise",
                               "observe", "know", "feel"})
_CONSTRUAL_VERBS = frozenset({"see", "consider", "regard", "view", "treat", "think", "count"})
_JOIN_GAP = 5  # tokens between two cue phrases of the same relation that are joined


# ---------------------------------------------------------------------------------------
# Public entry points


def extract_claims(
    sentences: Sequence[Mapping[str, Any]],
    documents: Mapping[str, str],
    nlp: Language,
    batch_size: int = 64,
) -> list[ClaimRecord]:
    """Claims of the trait and relationship sentences.

    ``sentences`` are rows of ``sentences.parquet`` in document order (all labels: an
    ``other`` sentence yields nothing but may introduce a quote, "Appelo writes:");
    ``documents`` maps doc_id to raw text; ``nlp`` is ``pipeline.io.load_parser()``.
    Returns ``ClaimRecord`` rows (columns of ``schemas.CLAIMS``), in sentence order, each
    sentence's claims numbered from 0: the relationship claim first, then traits in text order.
    Every trait or relationship sentence with any text yields at least one claim.

    Raises ValueError if a sentence's document is missing or its text is not the visible
    text of ``raw[char_start:char_end]``.
    """
    lead_ins: dict[str, str | None] = {}
    previous: dict[str, str] = {}
    jobs: list[tuple[Mapping[str, Any], _Mapper]] = []
    for row in sentences:
        segment = row["segment_id"]
        lead_ins[row["sentence_id"]] = _lead_in_name(previous.get(segment))
        previous[segment] = row["text"]
        if row["label"] in CLAIM_LABELS and row["text"]:
            jobs.append((row, _mapper(row, documents)))
    claims: list[ClaimRecord] = []
    texts = ((row["text"], (row, mapper)) for row, mapper in jobs)
    for doc, (row, mapper) in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        attributed = _attribution(doc) or lead_ins[row["sentence_id"]]
        for n, claim in enumerate(_sentence_claims(doc, row["label"])):
            char_start, char_end = mapper.raw_span(claim.start, claim.end)
            claims.append(ClaimRecord(
                claim_id=f"{row['sentence_id']}/{n}",
                sentence_id=row["sentence_id"],
                doc_id=row["doc_id"],
                kind=claim.kind,
                role=claim.role,
                phrase=doc.text[claim.start : claim.end],
                trait=claim.trait,
                relation=claim.relation,
                negated=claim.negated,
                attributed_to=attributed,
                char_start=char_start,
                char_end=char_end,
            ))
    return claims


def build_traits(
    claims: Sequence[ClaimRecord | Mapping[str, Any]],
    sentences: Sequence[Mapping[str, Any]],
    segments: Sequence[Mapping[str, Any]],
) -> list[TraitRecord]:
    """Count trait claims per (role, trait): rows of ``traits.parquet`` (``schemas.TRAITS``).

    ``claims`` are ``ClaimRecord``s or rows of ``claims.parquet``; ``sentences`` and
    ``segments`` (rows of their tables) give each claim's segment and its ``author``.
    Only trait claims of role leadership or management count, and negated claims do not
    (they deny the trait). Authors are distinct non-null segment authors. The example is the
    claim of the first sentence in sorted sentence_id order. Rows are sorted by role, then
    n_claims descending, then trait. (``TraitTally`` gives the same rows batch by batch.)
    """
    tally = TraitTally()
    tally.add(claims, sentences, segments)
    return tally.records()


@dataclass
class _TraitCount:
    n_claims: int = 0
    documents: set[str] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)
    example: tuple[str, tuple[int, str], str] | None = None  # sentence_id, claim order, phrase

    def update(self, other: _TraitCount) -> None:
        self.n_claims += other.n_claims
        self.documents |= other.documents
        self.authors |= other.authors
        if other.example is not None and (self.example is None or other.example < self.example):
            self.example = other.example


@dataclass
class TraitTally:
    """The counts behind ``traits.parquet``, built batch by batch: ``add`` a batch's claims
    with its sentences and segments, ``merge`` the tallies of other batches, then take the
    ``records``. Any split into batches gives the rows of ``build_traits`` over the whole."""

    counts: dict[tuple[str, str], _TraitCount] = field(default_factory=dict)

    def add(self, claims: Iterable[ClaimRecord | Mapping[str, Any]],
            sentences: Iterable[Mapping[str, Any]], segments: Iterable[Mapping[str, Any]]) -> None:
        """Count the non-negated trait claims of one batch (see ``build_traits``)."""
        segment_of = {row["sentence_id"]: row["segment_id"] for row in sentences}
        author_of = {row["segment_id"]: row.get("author") for row in segments}
        for claim in claims:
            row = claim.__dict__ if isinstance(claim, ClaimRecord) else claim
            if (row["kind"] != "trait" or row["role"] not in (LEADERSHIP, MANAGEMENT)
                    or row["negated"] or not row["trait"]):
                continue
            author = author_of.get(segment_of.get(row["sentence_id"], ""))
            count = _TraitCount(1, {row["doc_id"]}, {author} if author else set(),
                                (row["sentence_id"], _claim_order(row), row["phrase"]))
            self.counts.setdefault((row["role"], row["trait"]), _TraitCount()).update(count)

    def merge(self, other: TraitTally) -> None:
        """Add another tally's counts to this one."""
        for key, count in other.counts.items():
            self.counts.setdefault(key, _TraitCount()).update(count)

    def records(self) -> list[TraitRecord]:
        """One row per (role, trait), sorted by role, n_claims descending, trait."""
        rows = [
            TraitRecord(
                role=role,
                trait=trait,
                n_claims=count.n_claims,
                n_documents=len(count.documents),
                n_authors=len(count.authors),
                example_sentence_id=count.example[0] if count.example else "",
                example_phrase=count.example[2] if count.example else "",
            )
            for (role, trait), count in self.counts.items()
        ]
        rows.sort(key=lambda t: (t.role, -t.n_claims, t.trait))
        return rows


def _claim_order(row: Mapping[str, Any]) -> tuple[int, str]:
    suffix = str(row["claim_id"]).rsplit("/", 1)[-1]
    return (int(suffix), "") if suffix.isdigit() else (0, suffix)


# ---------------------------------------------------------------------------------------
# Offsets: sentence text -> raw document


@dataclass(frozen=True)
class _Mapper:
    view: VisibleText
    index: tuple[int, ...]  # sentence character -> view character

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.view.raw_span(self.index[start], self.index[end - 1] + 1)


def _mapper(row: Mapping[str, Any], documents: Mapping[str, str]) -> _Mapper:
    """Align the sentence text with the visible text of its raw slice (white space folded)."""
    if row["doc_id"] not in documents:
        raise ValueError(f"sentence {row['sentence_id']}: document {row['doc_id']!r} not given")
    view = visible_text(documents[row["doc_id"]], row["char_start"], row["char_end"])
    folded: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(view.text):
        if ch.isspace():
            if folded and folded[-1] != " ":
                folded.append(" ")
                index.append(i)
            continue
        folded.append(ch)
        index.append(i)
    while folded and folded[-1] == " ":
        folded.pop()
        index.pop()
    if "".join(folded) != row["text"]:
        raise ValueError(
            f"sentence {row['sentence_id']}: text does not match the visible text of "
            f"{row['doc_id']}[{row['char_start']}:{row['char_end']}]"
        )
    return _Mapper(view, tuple(index))


# ---------------------------------------------------------------------------------------
# Words


def _lemma(tok: Token) -> str:
    if tok.lower_ in _BE_FORMS and tok.pos_ in ("AUX", "VERB"):
        return "be"
    return tok.lemma_.lower()


def _word_role(tok: Token) -> str | None:
    """The role a single word names: role nouns, or lead/manage in the sense of the roles."""
    low = tok.lower_
    role = _ROLE_NOUNS.get(low) or _ROLE_NOUNS.get(tok.lemma_.lower())
    if role:
        return role
    verb = _GERUNDS.get(low) or tok.lemma_.lower()
    if verb not in _ROLE_VERBS or tok.dep_ == "amod" or tok.pos_ == "PROPN":
        return None
    if tok.pos_ == "NOUN" and low not in _GERUNDS:
        return None  # "take the lead"
    children = list(tok.children)
    if verb == "lead" and not any(c.dep_ == "dobj" for c in children) and any(
            c.dep_ == "prep" and c.lower_ == "to" for c in children):
        return None  # "lead to higher costs"
    if verb == "manage" and any(
            c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children) for c in children):
        return None  # "managed to finish"
    return _ROLE_VERBS[verb]


def _np_role(tok: Token) -> str | None:
    """Role named by a noun phrase head: the noun, its conjuncts, or a modifier on an aspect
    noun ("leadership skills"); "both" when it names the two."""
    roles = {_head_role(tok)}
    for conj in tok.conjuncts:
        roles.add(_head_role(conj))
    roles.discard(None)
    if len(roles) > 1:
        return BOTH
    return roles.pop() if roles else None


def _head_role(tok: Token) -> str | None:
    role = _word_role(tok)
    if role:
        return role
    if tok.lemma_.lower() in _ASPECT_NOUNS:
        mods = {_word_role(c) for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
        mods.discard(None)
        if len(mods) == 1:
            return mods.pop()
    for c in tok.children:  # "I, as the manager, ..."
        if c.dep_ == "appos" and _word_role(c):
            return _word_role(c)
    return None


def _mentions(tokens: Iterable[Token], explicit: bool = False) -> set[str]:
    """Roles named anywhere among ``tokens`` ("both" names the two, unless ``explicit``)."""
    found: set[str] = set()
    for tok in tokens:
        role = _word_role(tok)
        if role:
            found.add(role)
        elif not explicit and tok.lower_ == "both" and tok.dep_ != "preconj":
            found.update((LEADERSHIP, MANAGEMENT))
    return found


def _resolve(tok: Token) -> Token:
    """A relative pronoun stands for the noun its clause modifies."""
    relative = tok.tag_ in ("WDT", "WP") or tok.lower_ in ("who", "that", "which")
    if relative and tok.head.dep_ in ("relcl", "acl") and tok.head.head != tok.head:
        return tok.head.head
    return tok


def _own_subjects(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in _SUBJECT_DEPS]


def _subjects(tok: Token) -> list[Token]:
    """Subjects of a verb, its own or shared through coordination or control."""
    seen = tok
    while True:
        own = _own_subjects(seen)
        if own or seen.dep_ not in ("conj", "xcomp") or seen.head == seen:
            return own
        seen = seen.head


def _is_verbal(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or bool(_own_subjects(tok))


def _is_copula(tok: Token) -> bool:
    return (_lemma(tok) == "be" and tok.pos_ in ("AUX", "VERB")) or tok.text == "=" or (
        tok.pos_ in ("SYM", "X") and bool(_own_subjects(tok)))


def _has_neg(tok: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in tok.children)


# ---------------------------------------------------------------------------------------
# Predicate constructions (DependencyMatcher)

_POS_VERBAL = {"IN": ["AUX", "VERB"]}
_NOT_AUX = {"NOT_IN": ["aux", "auxpass"]}


def _role_subject() -> dict[str, Any]:
    """The anchor: a subject that is a role word."""
    return {"RIGHT_ID": "subject", "RIGHT_ATTRS": {
        "DEP": {"IN": sorted(_SUBJECT_DEPS)}, "LOWER": {"IN": sorted({*_ROLE_NOUNS, *_GERUNDS})}}}


def _predicate(attrs: dict[str, Any]) -> dict[str, Any]:
    """The predicate: the head of the subject, after it (not a question)."""
    return {"LEFT_ID": "subject", "REL_OP": "<++", "RIGHT_ID": "predicate",
            "RIGHT_ATTRS": {"DEP": _NOT_AUX, **attrs}}


def _node(left: str, op: str, right: str, attrs: dict[str, Any]) -> dict[str, Any]:
    return {"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": right, "RIGHT_ATTRS": attrs}


_BE_ATTRS: tuple[dict[str, Any], ...] = (
    {"LEMMA": "be", "POS": _POS_VERBAL},
    {"LOWER": {"IN": sorted(_BE_FORMS)}, "POS": _POS_VERBAL},
)
_PREDICATE_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    # "Leadership is (not) a skill", "Managers are organised", "leader = director"
    "copula": [
        [_role_subject(), _predicate(be),
         _node("predicate", ">++", "complement", {"DEP": {"IN": ["attr", "acomp", "oprd"]}})]
        for be in (*_BE_ATTRS, {"ORTH": "="}, {"POS": {"IN": ["SYM", "X"]}})
    ],
    # "Leadership is (not / all) about setting direction": the prepositional complement
    "copula_about": [
        [_role_subject(), _predicate(be),
         _node("predicate", ">++", "complement", {"DEP": "prep", "LOWER": "about"}),
         _node("complement", ">", "object", {"DEP": {"IN": ["pobj", "pcomp"]}})]
        for be in _BE_ATTRS
    ],
    # "Management has more / nothing / little to do with Y"
    "more_to_do_with": [[
        _role_subject(), _predicate({"LEMMA": "have"}),
        _node("predicate", ">", "amount", {"DEP": "dobj"}),
        _node("amount", ">", "do", {"LEMMA": "do"}),
        _node("do", ">", "with", {"LOWER": "with"}),
        _node("with", ">", "object", {"DEP": {"IN": ["pobj", "pcomp"]}}),
    ]],
    # "Leaders will / should / can't / must (not) Y": the modal after the subject
    "modal": [[
        _role_subject(), _predicate({"POS": _POS_VERBAL}),
        _node("subject", "$++", "modal", {"DEP": "aux", "TAG": "MD"}),
    ]],
    # "Leadership means / involves / requires Y"
    "linking": [[
        _role_subject(),
        _predicate({"LEMMA": {"IN": sorted(_LINKING_VERBS - {"be"})}, "POS": _POS_VERBAL}),
        _node("predicate", ">++", "complement",
              {"DEP": {"IN": ["dobj", "xcomp", "ccomp", "attr", "oprd"]}}),
    ]],
}
_NODE_NAMES: dict[str, tuple[str, ...]] = {
    label: tuple(node["RIGHT_ID"] for node in patterns[0])
    for label, patterns in _PREDICATE_PATTERNS.items()
}
_MATCHERS: dict[int, tuple[Vocab, DependencyMatcher]] = {}
_MATCHES_KEY = "leadclaims.predicate_matches"


@dataclass(frozen=True)
class PredicateMatch:
    """One match of a predicate construction: its name, the role-word subject (the anchor),
    the predicate head and every named node of the pattern."""

    construction: str
    subject: Token
    head: Token
    nodes: Mapping[str, Token]


def _predicate_matcher(vocab: Vocab) -> DependencyMatcher:
    """The matcher of ``_PREDICATE_PATTERNS``, built once per vocabulary (so once per
    ``Language``) and kept with it."""
    cached = _MATCHERS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        matcher = DependencyMatcher(vocab)
        for label, patterns in _PREDICATE_PATTERNS.items():
            matcher.add(label, patterns)
        cached = _MATCHERS[id(vocab)] = (vocab, matcher)
    return cached[1]


def predicate_matches(doc: Doc) -> list[PredicateMatch]:
    """Predicate constructions of a parsed sentence, in text order of (head, construction);
    computed once per ``Doc``."""
    found = doc.user_data.get(_MATCHES_KEY)
    if found is not None:
        return found
    matcher = _predicate_matcher(doc.vocab)
    seen: set[tuple[str, tuple[int, ...]]] = set()
    found = []
    for match_id, token_ids in matcher(doc):
        label = doc.vocab.strings[match_id]
        if (label, tuple(token_ids)) in seen:  # the same nodes through two "be" variants
            continue
        seen.add((label, tuple(token_ids)))
        nodes = {name: doc[i] for name, i in zip(_NODE_NAMES[label], token_ids, strict=True)}
        found.append(PredicateMatch(label, nodes["subject"], nodes["predicate"], nodes))
    found.sort(key=lambda m: (m.head.i, m.construction, m.subject.i))
    doc.user_data[_MATCHES_KEY] = found
    return found


# ---------------------------------------------------------------------------------------
# Claims of one sentence


@dataclass(frozen=True)
class _Claim:
    kind: str
    role: str
    start: int  # characters of the sentence text
    end: int
    trait: str | None = None
    relation: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class _Span:
    first: int  # tokens, inclusive
    last: int
    negated: bool
    head: Token  # the (first) verb of the predicate
    clause: Token  # the head of its clause, which has the subject


@dataclass(frozen=True)
class _Predicate:
    role: str
    span: _Span


def _sentence_claims(doc: Doc, label: str) -> list[_Claim]:
    if label == RELATIONSHIP_LABEL:
        return _relationship_claims(doc)
    return _trait_claims(doc, TRAIT_LABELS[label])


def _trait_claims(doc: Doc, role: str) -> list[_Claim]:
    predicates, named = _role_predicates(doc, role)
    if not predicates:
        head = _main_clause(doc)
        if _subjects(head):
            predicates = [_Predicate(role, span) for span in _predicate_spans(head)]
    if not named and all(p.span.first == p.span.last for p in predicates):
        predicates = []  # "This is sad because ...": one word says less than the sentence
    if not predicates:
        first, last = _whole(doc)
        root = doc[first : last + 1].root
        predicates = [_Predicate(role, _Span(first, last, False, root, root))]
    return _dedupe([_trait_claim(doc, p) for p in predicates])


def _trait_claim(doc: Doc, pred: _Predicate) -> _Claim:
    tokens = doc[pred.span.first : pred.span.last + 1]
    return _Claim(
        kind="trait",
        role=pred.role,
        start=tokens.start_char,
        end=tokens.end_char,
        trait=_canonical_trait(tokens),
        negated=pred.span.negated,
    )


def _relationship_claims(doc: Doc) -> list[_Claim]:
    traits = _contrast_predicates(doc)
    cues = _relation_cues(doc)
    if traits:
        relation, negated = "distinct", False
        first = min(min(p.span.first, *(s.left_edge.i for s in _subjects(p.span.clause)))
                    for p in traits)
        first, last = _tidy(doc, first, max(p.span.last for p in traits))
    elif cues:
        best = max(cues, key=lambda c: (c.strength, c.after_adversative, -c.token.i))
        relation, negated = best.resolved()
        first, last = _cue_span(doc, best.anchor or best.token)
        for cue in cues:  # "a leader can manage and a manager can lead": one phrase
            if cue.strength == best.strength and cue.resolved() == (relation, negated):
                start, end = _cue_span(doc, cue.anchor or cue.token)
                if 0 < start - last <= _JOIN_GAP or 0 < first - end <= _JOIN_GAP:
                    first, last = min(first, start), max(last, end)
    else:
        relation, negated = "distinct", False
        first, last = _whole(doc)
    span = doc[first : last + 1]
    claims = [_Claim("relationship", BOTH, span.start_char, span.end_char,
                     relation=relation, negated=negated)]
    claims.extend(_trait_claim(doc, p) for p in sorted(traits, key=lambda p: p.span.first))
    return _dedupe(claims)


def _dedupe(claims: list[_Claim]) -> list[_Claim]:
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for claim in claims:
        key = (claim.kind, claim.role, claim.start, claim.end)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


# ---------------------------------------------------------------------------------------
# Clauses and predicates


def _clause_role(head: Token) -> tuple[str | None, str | None]:
    """(role named by the subject, role named by the verb) of a clause head."""
    subjects = _own_subjects(head)
    subject_role = None
    for subject in subjects:
        subject = _resolve(subject)
        subject_role = _np_role(subject) or subject_role
        if subject_role is None and subject.dep_.startswith("csubj"):
            subject_role = _word_role(subject)
    verb_role = _word_role(head) if _lemma(head) in _ROLE_VERBS else None
    return subject_role, verb_role


def _as_role(head: Token) -> str | None:
    """Role of an "as managers, we ..." frame before the clause's subject."""
    subjects = _own_subjects(head)
    for c in head.children:
        if c.lower_ == "as" and c.dep_ in ("prep", "mark") and subjects and c.i < subjects[0].i:
            for g in c.children:
                if g.dep_ == "pobj" and _np_role(g) in (LEADERSHIP, MANAGEMENT):
                    return _np_role(g)
    return None


def _clause_heads(doc: Doc) -> Iterator[Token]:
    """Heads of clauses with a subject, in text order: the predicate nodes of the matcher's
    patterns, then (fallback, by hand) any other non-auxiliary token with a subject of its
    own (a subject that is no role word, or a predicate none of the patterns covers)."""
    heads = {m.head.i for m in predicate_matches(doc)}
    heads.update(tok.i for tok in doc if tok.i not in heads and _own_subjects(tok)
                 and tok.dep_ not in ("aux", "auxpass"))
    for i in sorted(heads):
        yield doc[i]


def _role_predicates(doc: Doc, role: str) -> tuple[list[_Predicate], bool]:
    """Predicates of clauses whose subject carries ``role`` in a trait sentence, and whether
    the subject names the role (rather than pointing to it with a pronoun)."""
    strong: list[_Predicate] = []
    weak: list[_Predicate] = []
    main = _main_clause(doc)
    for head in _clause_heads(doc):
        subject_role, verb_role = _clause_role(head)
        subject = _resolve(_own_subjects(head)[0])
        if subject_role == role:
            named = verb_role in (None, role)  # not "a manager can lead"
        elif subject_role is None:
            named = ((verb_role == role and _has_complement(head))  # "you lead a team ..."
                     or subject.lemma_.lower() in _AUTHORITY_NOUNS  # "the boss should ..."
                     or _as_role(head) == role)  # "as managers, we ..."
        else:
            named = False
        if named:
            strong.extend(_Predicate(role, span) for span in _predicate_spans(head))
        elif subject_role is None and subject.lower_ in _POINTING_PRONOUNS and (
                head == main or (head.dep_ == "conj" and head.head == main)):
            weak.extend(_Predicate(role, span) for span in _predicate_spans(head))
    return (strong, True) if strong else (weak, False)


def _contrast_predicates(doc: Doc) -> list[_Predicate]:
    """Trait predicates of both roles side by side in a relationship sentence, or []."""
    found: list[_Predicate] = []
    for head in _clause_heads(doc):
        subject_role, verb_role = _clause_role(head)
        if subject_role in (LEADERSHIP, MANAGEMENT):
            if verb_role not in (None, subject_role):
                continue
            role = subject_role
        elif subject_role is None and verb_role and _has_complement(head):
            role = verb_role
        else:
            continue
        if any(c.dep_ in ("dobj", "pobj") and c.tag_ in ("WDT", "WP") for c in head.children):
            continue  # "what the leader wants": a free relative
        for span in _predicate_spans(head):
            named = _mentions(head.doc[span.first : span.last + 1], explicit=True)
            if not _names_role_directly(span.head) and named <= {role}:
                found.append(_Predicate(role, span))
    if {p.role for p in found} != {LEADERSHIP, MANAGEMENT}:
        return []
    return found


def _names_role_directly(head: Token) -> bool:
    """Whether a predicate has a role as its complement, object or prepositional object
    ("is a manager", "reports to a leader", "buys into the leader's plan")."""
    for c in head.children:
        if c.dep_ in ("attr", "dobj", "oprd", "dative", "acomp") and _names_role_np(c):
            return True
        if c.dep_ in ("prep", "agent") and any(
                g.dep_ in ("pobj", "pcomp") and _names_role_np(g) for g in c.children):
            return True
    return False


def _names_role_np(tok: Token) -> bool:
    if _np_role(tok):
        return True
    return any(c.dep_ in ("poss", "compound") and _word_role(c) for c in tok.children)


def _main_clause(doc: Doc) -> Token:
    """The clause that asserts: the root, below framing verbs ("I think that ...")."""
    root = next((t for t in doc if t.dep_ == "ROOT"), doc[0])
    head = root
    for _ in range(4):
        if _lemma(head) not in _FRAME_VERBS or not _is_personal_frame(head):
            break
        comp = next((c for c in head.children if c.dep_ == "ccomp"), None)
        if comp is None:
            break
        head = comp
    return head


def _is_personal_frame(head: Token) -> bool:
    subjects = _own_subjects(head)
    return not subjects or subjects[0].lower_ in _PERSONAL_PRONOUNS or subjects[0].pos_ == "PROPN"


def _has_complement(head: Token) -> bool:
    return any(_is_complement(c, head) for c in head.children)


def _is_complement(child: Token, head: Token) -> bool:
    """A dependent after the verb that belongs to its predicate: not another predicate or
    clause, subject, auxiliary, negation or punctuation ("because of X" conjoined is)."""
    if child.i < head.i:
        return False
    if child.dep_ == "conj":
        return not _is_verbal(child)
    if child.dep_ in ("advcl", "parataxis") and _own_subjects(child):
        return False
    return child.dep_ not in _SKIP_DEPS


_SKIP_DEPS = frozenset({"punct", "cc", "conj", "mark", "aux", "auxpass", "neg", "nsubj",
                        "nsubjpass", "csubj", "csubjpass", "expl", "parataxis", "dep"})


def _predicate_heads(head: Token) -> list[Token]:
    """Heads sharing the clause's subject: the head, its verb conjuncts without a subject of
    their own, and finite verbs conjoined to a copula's complement."""
    out = [head]
    for c in head.children:
        if c.dep_ == "conj" and _is_verbal(c) and not _own_subjects(c):
            out.extend(_predicate_heads(c))
    if _is_copula(head):
        for comp in head.children:
            if comp.dep_ not in ("attr", "acomp", "oprd") or comp.i < head.i:
                continue
            for c in comp.children:
                if (c.dep_ == "conj" and c.pos_ == "VERB" and c.tag_ in ("VB", "VBZ", "VBP", "VBD")
                        and not _own_subjects(c)):
                    out.extend(_predicate_heads(c))
    return sorted(set(out), key=lambda t: t.i)


def _predicate_spans(head: Token) -> list[_Span]:
    """Each predicate of the clause headed by ``head`` (which has the subject); a verb with
    no complement joins the next conjunct ("plan and staff the project")."""
    heads = _predicate_heads(head)
    skip = {h.i for h in heads}
    spans: list[_Span] = []
    pending: _Span | None = None
    for pred in heads:
        first, last = _one_predicate(pred, skip)
        span = _Span(first, last, _predicate_negated(pred), pred, head)
        if pending is not None and _adversative_between(pending.last, pred.i, pred.doc):
            spans.append(pending)  # "don't micromanage but inspire": two claims
        elif pending is not None:
            span = _Span(pending.first, last, pending.negated, pending.head, head)
        pending = None
        if pred != heads[-1] and not _has_complement(pred) and not _is_copula(pred):
            pending = span
            continue
        first, last = _tidy(pred.doc, span.first, span.last)
        if first <= last:
            spans.append(_Span(first, last, span.negated, span.head, head))
    return spans


def _adversative_between(start: int, end: int, doc: Doc) -> bool:
    return any(t.dep_ == "cc" and t.lower_ in _ADVERSATIVES for t in doc[start + 1 : end])


def _one_predicate(pred: Token, skip: set[int]) -> tuple[int, int]:
    """Token span of one predicate: the verb and its complements (linking verbs: the
    complement only), without subject, auxiliaries, negation and other clauses."""
    special = _to_do_with(pred)
    if special is not None:
        return special
    rights = [c for c in pred.children if _is_complement(c, pred)]
    if not rights:
        return (pred.i, pred.i)
    last = max(_right_edge(c, skip) for c in rights)
    if _is_copula(pred) or _lemma(pred) in _LINKING_VERBS:
        return (min(c.left_edge.i for c in rights), last)
    return (pred.i, last)


def _to_do_with(pred: Token) -> tuple[int, int] | None:
    """"has more to do with Y": the span of Y, from the ``more_to_do_with`` match at ``pred``,
    or by hand for a head the patterns do not reach (a conjunct, a subject that is no role
    word)."""
    if _lemma(pred) != "have":
        return None
    for match in predicate_matches(pred.doc):
        if match.head == pred and match.construction == "more_to_do_with":
            objs = [g for g in match.nodes["with"].children if g.dep_ in ("pobj", "pcomp")]
            return (objs[0].left_edge.i, objs[-1].right_edge.i)
    for obj in pred.children:
        if obj.dep_ != "dobj":
            continue
        for do in obj.children:
            if do.lemma_.lower() != "do":
                continue
            for prep in do.children:
                if prep.lower_ == "with":
                    objs = [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
                    if objs:
                        return (objs[0].left_edge.i, objs[-1].right_edge.i)
    return None


def _right_edge(tok: Token, skip: set[int]) -> int:
    """Last token of ``tok``'s subtree, not counting subtrees of other predicates or of
    clauses with their own subject hanging at the end."""
    last = tok.i
    for c in tok.children:
        if c.i in skip and c != tok:
            continue
        if c.i > tok.i and c.dep_ == "conj" and _own_subjects(c) and _is_verbal(c):
            continue
        last = max(last, _right_edge(c, skip))
    return last


def _predicate_negated(pred: Token) -> bool:
    """A "not"/"never" before the verb or right after a copula, "no"/"nothing" as its
    complement, "has nothing/little to do with"; conjuncts share the first verb's negation."""
    for c in pred.children:
        if c.dep_ == "neg":
            between = pred.doc[min(c.i, pred.i) + 1 : max(c.i, pred.i)]
            if c.i < pred.i or all(t.pos_ in ("ADV", "PART") for t in between):
                return True
        if c.i > pred.i and c.dep_ in ("attr", "dobj", "acomp", "prep") and (
                c.lower_ in ("nothing", "none") or _has_no(c)):
            return True
        if c.dep_ == "dobj" and c.lower_ == "little" and _to_do_with(pred):
            return True  # "has little to do with"
    if pred.dep_ == "conj" and not _own_subjects(pred) and not any(
            c.dep_ in ("aux", "auxpass", "neg") for c in pred.children):
        head = pred.head
        if not any(c.dep_ == "cc" and c.lower_ in _ADVERSATIVES for c in head.children
                   if head.i < c.i < pred.i):
            return _predicate_negated(head) if _is_verbal(head) else False
    return False


def _has_no(tok: Token) -> bool:
    return any((c.dep_ == "det" and c.lower_ == "no") or (c.dep_ == "preconj" and c.lower_ ==
               "neither") for c in tok.children)


def _whole(doc: Doc) -> tuple[int, int]:
    """The sentence without a speech frame ("X said, ...", "According to X, ...") and edge
    punctuation."""
    root = next((t for t in doc if t.dep_ == "ROOT"), doc[0])
    according = next((t for t in doc if t.lower_ == "according" and t.head == root), None)
    if according is not None and according.right_edge.i + 1 < len(doc):
        first, last = _tidy(doc, according.right_edge.i + 1, len(doc) - 1)
        if first <= last:
            return first, last
    if _lemma(root) in _SPEECH_VERBS:
        comps = [c for c in root.children if c.dep_ in ("ccomp", "parataxis") and c.i > root.i]
        if comps:
            first, last = _tidy(doc, comps[0].left_edge.i, comps[-1].right_edge.i)
            if first <= last:
                return first, last
    first, last = _tidy(doc, 0, len(doc) - 1)
    return (first, last) if first <= last else (0, len(doc) - 1)


def _tidy(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Trim edge punctuation, conjunctions and subordinators, and balance brackets and quotes
    (take in a closer that follows, or drop an opener left open)."""
    while first <= last and _edge_junk(doc[first], first, last, leading=True):
        first += 1
    while last >= first and _edge_junk(doc[last], first, last, leading=False):
        last -= 1
    if first > last:
        return first, last
    for _ in range(3):
        opener = _unmatched_opener(doc, first, last)
        if opener is None:
            break
        closer = _OPENERS.get(doc[opener].text, doc[opener].text)
        nxt = last + 1
        while nxt < len(doc) and nxt - last <= 4 and doc[nxt].is_punct and doc[nxt].text != closer:
            nxt += 1
        if nxt < len(doc) and doc[nxt].text == closer:
            last = nxt
        elif opener > first:
            last = opener - 1
            while last >= first and _edge_junk(doc[last], first, last, leading=False):
                last -= 1
        else:
            first += 1
    for _ in range(3):
        closer = _unmatched_closer(doc, first, last)
        if closer is None:
            break
        opener_text = _CLOSERS.get(doc[closer].text, doc[closer].text)
        if first > 0 and doc[first - 1].text == opener_text:
            first -= 1
        elif closer == last:
            last -= 1
        elif closer == first:
            first += 1
        else:
            break
    # never split a word ("Let's")
    while first > 0 and not doc[first - 1].whitespace_ and doc[first - 1].is_alpha:
        first -= 1
    while last + 1 < len(doc) and not doc[last].whitespace_ and doc[last + 1].is_alpha:
        last += 1
    return first, last


def _edge_junk(tok: Token, first: int, last: int, leading: bool) -> bool:
    if tok.dep_ in ("cc", "mark") or (leading and tok.lower_ in _DISCOURSE and tok.i < last):
        return leading or tok.dep_ == "cc"
    if leading and tok.i < last and (
            (tok.tag_ in ("WDT", "WP") and tok.dep_ in ("nsubj", "nsubjpass"))
            or (tok.tag_ == "WRB" and tok.dep_ == "advmod")):
        return True  # "that ..." or "when ..." opening a clause
    if not tok.is_punct and tok.pos_ not in ("PUNCT", "SYM"):
        return False
    text = tok.text
    if leading and (text in _OPENERS or text in _SYMMETRIC_QUOTES):
        return not _closes_within(tok, first, last)
    if not leading and (text in _CLOSERS or text in _SYMMETRIC_QUOTES):
        return not _opens_within(tok, first, last)
    return True


def _closes_within(tok: Token, first: int, last: int) -> bool:
    doc = tok.doc
    closer = _OPENERS.get(tok.text, tok.text)
    return any(doc[i].text == closer for i in range(tok.i + 1, last + 1))


def _opens_within(tok: Token, first: int, last: int) -> bool:
    doc = tok.doc
    opener = _CLOSERS.get(tok.text, tok.text)
    return any(doc[i].text == opener for i in range(first, tok.i))


def _unmatched_opener(doc: Doc, first: int, last: int) -> int | None:
    stack: list[int] = []
    quotes: dict[str, list[int]] = defaultdict(list)
    for i in range(first, last + 1):
        text = doc[i].text
        if text in _SYMMETRIC_QUOTES and doc[i].pos_ == "PUNCT":
            quotes[text].append(i)
        elif text in _OPENERS:
            stack.append(i)
        elif text in _CLOSERS and stack and doc[stack[-1]].text == _CLOSERS[text]:
            stack.pop()
    odd = [positions[-1] for positions in quotes.values() if len(positions) % 2]
    candidates = stack + [i for i in odd if _quote_opens(doc, i)]
    return min(candidates) if candidates else None


def _unmatched_closer(doc: Doc, first: int, last: int) -> int | None:
    depth: dict[str, int] = defaultdict(int)
    quotes: dict[str, list[int]] = defaultdict(list)
    for i in range(first, last + 1):
        text = doc[i].text
        if text in _SYMMETRIC_QUOTES and doc[i].pos_ == "PUNCT":
            quotes[text].append(i)
        elif text in _OPENERS:
            depth[text] += 1
        elif text in _CLOSERS:
            if depth[_CLOSERS[text]]:
                depth[_CLOSERS[text]] -= 1
            else:
                return i
    odd = [positions[0] for positions in quotes.values() if len(positions) % 2]
    closing = [i for i in odd if not _quote_opens(doc, i)]
    return min(closing) if closing else None


def _quote_opens(doc: Doc, i: int) -> bool:
    """Whether a straight quote opens (no space after it, a space or the start before)."""
    tok = doc[i]
    before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_punct
    after = not tok.whitespace_ and i + 1 < len(doc)
    return before and after


# ---------------------------------------------------------------------------------------
# Relations


@dataclass(frozen=True)
class _Cue:
    token: Token
    relation: str
    strength: int
    flip: str | None  # the relation when the cue is negated; None keeps it, negated
    negatable: bool = True
    anchor: Token | None = None  # where the phrase is taken, if not at the cue

    def resolved(self) -> tuple[str, bool]:
        """(relation, negated) once the cue's negation is read."""
        if self.negatable and _cue_negated(self.token):
            return (self.flip, False) if self.flip else (self.relation, True)
        return self.relation, False

    @property
    def after_adversative(self) -> bool:
        return any(t.lower_ in _ADVERSATIVES and t.dep_ in ("cc", "advmod", "mark")
                   for t in self.token.doc[: self.token.i])


def _relation_cues(doc: Doc) -> list[_Cue]:
    cues: list[_Cue] = []
    for tok in doc:
        cues.extend(_token_cues(tok))
    return cues


def _token_cues(tok: Token) -> Iterator[_Cue]:
    lem, low = _lemma(tok), tok.lower_
    made = any(t.lemma_.lower() == "make" for t in tok.doc[max(tok.i - 3, 0) : tok.i])
    if (lem in _DISTINCT_WORDS or low in _DISTINCT_WORDS) and not (
            lem == "difference" and made):  # "make a difference"
        yield _Cue(tok, "distinct", 3, "same")
    if (low in _PREDICATIVE or lem in _PREDICATIVE) and _predicative(tok):
        relation, strength, flip = _PREDICATIVE.get(low) or _PREDICATIVE[lem]
        yield _Cue(tok, relation, strength, flip)
    if lem in _SAME_WORDS or low in _SAME_WORDS:
        yield _Cue(tok, "same", 3, "distinct")
    if lem in _COMPLEMENT_WORDS or low in _COMPLEMENT_WORDS:
        yield _Cue(tok, "complementary", 3, None)
    if (lem in _OPPOSED_WORDS or low in _OPPOSED_WORDS) and tok.pos_ != "ADJ":
        yield _Cue(tok, "opposed", 3, "overlapping")
    if lem == "overlap" or low == "overlapping":
        yield _Cue(tok, "overlapping", 3, "distinct")
    if lem == "unlike" and _pobj_role(tok):
        yield _Cue(tok, "distinct", 2, "same")
    if low == "whereas":
        yield _Cue(tok, "distinct", 1, None, anchor=tok.head.head)
    if low == "while" and tok.dep_ == "mark" and _mentions(tok.head.subtree) and _mentions(
            t for t in tok.head.head.subtree if t not in set(tok.head.subtree)):
        yield _Cue(tok, "distinct", 1, None, anchor=tok.head.head)
    if low == "apart":
        yield _Cue(tok, "distinct", 1, "complementary")
    following = [t.lower_ for t in tok.doc[tok.i + 1 : tok.i + 5]]
    if low == "hand" and following[:2] == ["in", "hand"]:
        yield _Cue(tok, "complementary", 3, None)
    if lem == "side" and following[:2] == ["of", "the"] and "same" in following:
        yield _Cue(tok, "complementary", 3, None)  # "two sides of the same coin"
    if low in ("together",) and tok.head.lemma_.lower() in ("work", "go", "belong", "fit"):
        yield _Cue(tok, "complementary", 2, None)
    if low in ("other", "another") and any(c.lower_ in ("each", "one") for c in tok.children):
        yield from _reciprocal_cue(tok)
    if low == "without" and _pobj_role(tok):
        yield _Cue(tok, "complementary", 2, None) if _cue_negated(tok) else _Cue(
            tok, "distinct", 1, None)
    if low == "against" and _pobj_role(tok):
        yield _Cue(tok, "opposed", 3, "overlapping")
    if low == "odds" and tok.head.lower_ == "at":
        yield _Cue(tok, "opposed", 3, "overlapping")
    yield from _copula_cues(tok)
    yield from _role_verb_cues(tok)
    yield from _hierarchy_cues(tok, lem, low)
    yield from _need_cues(tok, lem, low)


def _predicative(tok: Token) -> bool:
    """An adjective said of the roles: "are different", "two different jobs", "as
    separate roles", "not exclusive ideas"."""
    if tok.dep_ in ("acomp", "attr", "oprd", "ROOT"):
        return True
    if tok.dep_ == "conj":
        return _predicative(tok.head)
    if tok.dep_ in ("amod", "compound"):
        noun = tok.head
        if noun.dep_ in ("attr", "oprd", "ROOT"):
            return True
        if noun.dep_ == "pobj" and noun.head.lower_ == "as":
            return True
        if tok.lower_ == "same" and noun.lemma_.lower() in ("thing", "concept", "role", "job"):
            return True
    return False


def _pobj_role(prep: Token) -> bool:
    return any(c.dep_ in ("pobj", "pcomp") and (_names_role_np(c) or c.lower_ in (
        "other", "another")) for c in prep.children)


def _reciprocal_cue(other: Token) -> Iterator[_Cue]:
    """"each other": hostile ("against", "undermine") -> opposed, otherwise complementary."""
    head = other.head
    if head.dep_ == "prep" or head.pos_ == "ADP":
        if head.lower_ == "against":
            return  # the "against" rule fires
        head = head.head
    verb = _lemma(head)
    if verb in _DISTINCT_WORDS or verb in _COMPLEMENT_WORDS or verb in _OPPOSED_WORDS:
        return
    if verb in _HOSTILE_VERBS:
        yield _Cue(other, "opposed", 3, "overlapping")
    else:
        yield _Cue(other, "complementary", 3, None)


def _copula_cues(tok: Token) -> Iterator[_Cue]:
    """"a leader is a manager" -> same; with can/could/may -> overlapping; with must/should ->
    both_needed; "managers regard themselves as leaders" -> same."""
    if _is_copula(tok):
        subject_role = _subject_np_role(tok)
        for c in tok.children:
            if c.dep_ != "attr" or c.i < tok.i:
                continue
            other = _np_role(c)
            if subject_role in (LEADERSHIP, MANAGEMENT) and other in (LEADERSHIP, MANAGEMENT) \
                    and other != subject_role:
                modals = {a.lower_ for a in tok.children if a.dep_ == "aux"}
                if modals & _MODALS_ABILITY:
                    yield _Cue(tok, "overlapping", 3, "distinct")
                elif modals & _MODALS_DUTY or (tok.dep_ == "xcomp" and _lemma(tok.head) in (
                        "have", "need", "ought")):
                    yield _Cue(tok, "both_needed", 3, None)  # "a leader must be a manager"
                else:
                    vice = any(t.lower_ == "versa" for t in tok.doc)
                    yield _Cue(tok, "same", 3 if vice else 2, "distinct")
    if _lemma(tok) in _CONSTRUAL_VERBS:
        subject_role = _subject_np_role(tok)
        for prep in _preps(tok, ("as",)):
            for g in prep.children:
                other = _np_role(g) if g.dep_ == "pobj" else None
                if other in (LEADERSHIP, MANAGEMENT) and subject_role in (
                        LEADERSHIP, MANAGEMENT) and other != subject_role:
                    yield _Cue(tok, "same", 2, "distinct")


def _subject_np_role(verb: Token) -> str | None:
    for subject in _subjects(verb):
        role = _np_role(_resolve(subject))
        if role:
            return role
    return None


def _preps(tok: Token, words: tuple[str, ...]) -> Iterator[Token]:
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in words:
            yield c
        elif c.dep_ == "prep" and c.lower_ == "of":  # "think of X as Y"
            yield from (g for g in c.children if g.dep_ == "prep" and g.lower_ in words)


def _role_verb_cues(tok: Token) -> Iterator[_Cue]:
    """"a leader can manage" -> overlapping (negated: both_needed); "a boss who can't lead"
    -> both_needed; "you can lead your managers" -> hierarchical."""
    verb_role = _word_role(tok) if _lemma(tok) in _ROLE_VERBS else None
    if verb_role is None:
        return
    subject_role = _subject_np_role(tok)
    able = any(a.dep_ == "aux" and a.lower_ in _MODALS_ABILITY for a in tok.children)
    if subject_role in (LEADERSHIP, MANAGEMENT) and subject_role != verb_role and able:
        yield _Cue(tok, "overlapping", 3, "both_needed")
    elif subject_role is None and able and _has_neg(tok):
        yield _Cue(tok, "both_needed", 1, None, negatable=False)
    for c in tok.children:
        if c.dep_ == "dobj" and _np_role(c) in (LEADERSHIP, MANAGEMENT) and _np_role(c) != \
                verb_role:
            yield _Cue(tok, "hierarchical", 2, None)


def _hierarchy_cues(tok: Token, lem: str, low: str) -> Iterator[_Cue]:
    if lem in ("report", "answer") and any(p.lower_ == "to" for p in _preps(tok, ("to",))):
        yield _Cue(tok, "hierarchical", 3, None)
    if lem in _HIERARCHY_WORDS or low in _HIERARCHY_WORDS:
        yield _Cue(tok, "hierarchical", 3, None)
    if lem in _CONTAIN_VERBS and tok.pos_ == "VERB" and _subject_np_role(tok) and any(
            c.dep_ == "dobj" and _np_role(c) for c in tok.children):
        yield _Cue(tok, "hierarchical", 3, None)
    if lem == "part" and any(p.lower_ == "of" and _pobj_role(p) for p in tok.children):
        yield _Cue(tok, "hierarchical", 2, None)
    if low in _POSITION_PREPS and tok.dep_ == "prep" and _pobj_role(tok):
        yield _Cue(tok, "hierarchical", 2, None)
    if lem in ("superior", "inferior"):
        yield _Cue(tok, "hierarchical", 2, None)
    if lem in _MOVE_WORDS:
        holders = [tok] + ([tok.head] if tok.dep_ in ("dobj", "nsubj", "pobj") else [])
        for holder in holders:
            if any(p.dep_ == "prep" and p.lower_ in ("from", "to", "into") and _mentions(
                    p.subtree) for p in holder.children):
                yield _Cue(tok, "hierarchical", 3, None)
                break
    if lem == "buy" and any(p.lower_ == "into" and _mentions(p.subtree) for p in tok.children):
        yield _Cue(tok, "hierarchical", 2, None)
    if lem in _FOLLOW_VERBS and _subject_np_role(tok) and any(
            c.dep_ == "dobj" and _names_role_np(c) for c in tok.children):
        yield _Cue(tok, "hierarchical", 2, None)
    if tok.tag_ in ("JJR", "RBR") and lem not in ("more", "less", "well", "good"):
        holders = [tok, tok.head]
        if any(p.lower_ == "than" and _pobj_role(p) for h in holders for p in h.children):
            yield _Cue(tok, "hierarchical", 2, None)


def _need_cues(tok: Token, lem: str, low: str) -> Iterator[_Cue]:
    if low == "both" and tok.dep_ != "preconj":
        holder = tok.head if tok.dep_ == "det" else tok
        strength = 2 if holder.dep_ in ("dobj", "pobj", "attr", "conj") else 1
        yield _Cue(tok, "both_needed", strength, None)
        return
    needs = lem in _NEED_WORDS or (lem == "have" and any(
        c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children) for c in tok.children))
    if needs and _mentions(_clause_tokens(tok, strict=True)) >= {LEADERSHIP, MANAGEMENT}:
        anchor = tok.head if tok.dep_ == "aux" else tok
        yield _Cue(anchor, "both_needed", 1, None)


def _clause_head(tok: Token) -> Token:
    head = tok
    while head.dep_ != "ROOT" and head.head != head:
        if head.pos_ in ("VERB", "AUX") and (_own_subjects(head) or any(
                c.dep_ == "expl" for c in head.children)):
            return head
        head = head.head
    return head


def _clause_tokens(tok: Token, strict: bool = False) -> list[Token]:
    """Tokens of the clause of ``tok``, without the coordinated or adverbial clauses with a
    subject of their own that do not hold ``tok`` (unless they name a role; ``strict``: even
    then)."""
    head = _clause_head(tok)
    dropped: set[int] = set()
    for c in head.children:
        if c.dep_ in ("conj", "advcl", "parataxis") and _own_subjects(c) and tok not in set(
                c.subtree) and (strict or not _mentions(c.subtree, explicit=True)):
            dropped.update(t.i for t in c.subtree)
    tokens = [t for t in head.subtree if t.i not in dropped]
    antecedent = head.head
    if head.dep_ == "relcl":  # "a manager who can't lead"
        tokens.extend(t for t in antecedent.subtree if antecedent.left_edge.i <= t.i < head.i)
    return tokens


def _cue_span(doc: Doc, tok: Token) -> tuple[int, int]:
    """The phrase of a relationship claim: a cue noun's phrase when it names the roles
    ("a distinction between leaders and managers"), else the cue's clause."""
    if tok.pos_ in ("NOUN", "PROPN") and _mentions(t for t in tok.subtree if t != tok):
        first, last = _tidy(doc, tok.left_edge.i, tok.right_edge.i)
        if first <= last:
            return first, last
    tokens = _clause_tokens(tok)
    head = _clause_head(tok)
    if _lemma(head) in _SPEECH_VERBS and tok != head:
        inner = [c for c in head.children if tok in set(c.subtree)]
        tokens = [t for t in tokens if t in set(inner[0].subtree)] if inner else tokens
    first, last = _tidy(doc, min(t.i for t in tokens), max(t.i for t in tokens))
    return (first, last) if first <= last else _whole(doc)


def _cue_negated(tok: Token) -> bool:
    """Whether a cue is denied: its own "not"/"no", or that of the word it depends on up to
    the governing verb (a copula always; a full verb unless the cue is its object, as in
    "never drew the distinction", except perception verbs: "I don't see a difference")."""
    node = tok
    while True:
        if _has_neg(node):
            return True
        if node.pos_ in ("VERB", "AUX") and node != tok and not _is_copula(node):
            return False
        if node.head == node or node.dep_ in _CLAUSE_DEPS or node.dep_ in _SUBJECT_DEPS:
            return False
        parent = node.head
        if parent.pos_ in ("VERB", "AUX") and not _is_copula(parent) and node.dep_ in (
                "dobj",) and _lemma(parent) not in _PERCEPTION_VERBS:
            return False
        node = parent


# ---------------------------------------------------------------------------------------
# Attribution


def _attribution(doc: Doc) -> str | None:
    """The person a sentence quotes or paraphrases, or None."""
    for tok in doc:
        if tok.lower_ == "according":
            for prep in tok.children:
                for g in prep.children if prep.lower_ == "to" else ():
                    name = _name(g)
                    if name:
                        return name
        if tok.pos_ == "VERB" and _lemma(tok) in _SPEECH_VERBS:
            for subject in _subjects(tok):
                name = _name(subject)
                if name:
                    return name
    return None


def _name(tok: Token) -> str | None:
    """A proper name at ``tok`` ("Mary J Blige"), or in apposition to it ("my coach, Jane
    Smith"); never a capitalised role word or an acronym."""
    if tok.pos_ == "PROPN" and _looks_like_name(tok):
        parts = [tok]
        i = tok.i - 1
        while i >= 0 and tok.doc[i].pos_ == "PROPN" and tok.doc[i].head == tok and \
                tok.doc[i].dep_ in ("compound", "flat", "nmod"):
            parts.insert(0, tok.doc[i])
            i -= 1
        if all(not _word_role(p) for p in parts):
            return " ".join(p.text for p in parts)
    for c in tok.children:
        if c.dep_ == "appos":
            name = _name(c)
            if name:
                return name
    return None


def _looks_like_name(tok: Token) -> bool:
    text = tok.text
    return text[:1].isupper() and any(ch.islower() for ch in text) and not _word_role(tok)


_LEAD_IN = re.compile(r"^(?P<who>.+?)\s+(?P<verb>[A-Za-z]+)(?:\s+(?:it|us|that|this))?\s*:\s*$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.?)$")
_NOT_NAMES = frozenset({
    "He", "She", "They", "It", "This", "That", "The", "A", "An", "My", "Our", "His", "Her",
    "I", "We", "You", "One", "Someone", "Everyone", "Author", "Article",
})


def _lead_in_name(text: str | None) -> str | None:
    """"Appelo writes:" -> "Appelo" (a sentence introducing the next one as a quote)."""
    if not text:
        return None
    match = _LEAD_IN.match(text.strip())
    if not match or not _is_speech_form(match["verb"].lower()):
        return None
    words = match["who"].split()
    run: list[str] = []
    for word in reversed(words):
        if not _NAME_WORD.match(word) or word in _NOT_NAMES:
            break
        run.insert(0, word.rstrip(","))
    if not run or _ROLE_NOUNS.get(run[-1].lower()):
        return None
    return " ".join(run)


def _is_speech_form(word: str) -> bool:
    if word in _SPEECH_IRREGULAR:
        return True
    stems = {word, word[:-1], word[:-2], word[:-1] + "e" if word.endswith("d") else word}
    if word.endswith("ies") or word.endswith("ied"):
        stems.add(word[:-3] + "y")
    return bool(stems & _SPEECH_VERBS)


# ---------------------------------------------------------------------------------------
# Canonical trait


def _canonical_trait(tokens: Iterable[Token]) -> str:
    """A short canonical form of a trait phrase: lemmas without stop words, hedges, copula
    and negation; people nouns as "people"; a leading light noun ("the ability to") dropped."""
    words: list[str] = []
    fallback: list[str] = []
    for tok in tokens:
        if tok.is_punct or tok.is_space or tok.pos_ in ("PUNCT", "SYM"):
            continue
        lem = _lemma(tok)
        if not any(ch.isalnum() for ch in lem):
            continue
        fallback.append(lem)
        if tok.dep_ == "neg" or lem in _HEDGES or lem == "be" or tok.pos_ == "AUX":
            continue
        if lem in _PEOPLE and tok.pos_ in ("NOUN", "PROPN", "ADJ"):
            lem = "people"
        elif lem == "being" and words and words[-1] == "people":
            continue  # "human beings"
        elif tok.lower_ in _ROLE_NOUNS:
            lem = tok.lower_[:-1] if tok.lower_ in ("leaders", "managers") else tok.lower_
        elif tok.is_stop and tok.pos_ not in ("VERB", "NOUN", "PROPN"):
            continue
        if words and words[-1] == lem:
            continue
        words.append(lem)
    if len(words) > 1 and words[0] in _LIGHT_NOUNS:
        words = words[1:]
    return " ".join(words or fallback)
