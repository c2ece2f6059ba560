"""Claims stage: sentences written for each pattern, and the hand-labeled seed sentences."""

from __future__ import annotations

import csv
import pickle
from collections import defaultdict
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline import claims as claims_module
from pipeline import io as pio
from pipeline.claims import (
    ClaimRecord,
    TraitRecord,
    TraitTally,
    build_traits,
    extract_claims,
    predicate_matches,
)
from pipeline.schemas import CLAIM_KINDS, CLAIM_ROLES, CLAIMS, RELATIONS, TRAITS
from pipeline.text import fold, strip_markup

SEED_LABELS = Path(__file__).resolve().parent.parent / "labels" / "seeds.csv"
LEAD, MANAGE, REL, OTHER = "leadership_trait", "management_trait", "relationship_claim", "other"


@pytest.fixture(scope="session")
def parser():
    return pio.load_parser()


def row(raw: str, text: str, label: str, doc_id: str = "d", segment_id: str = "d/1",
        position: int = 0) -> dict:
    """A sentences.parquet row for ``text``, found in ``raw`` (which may hold markup)."""
    first = text.split()[0]
    start, end = next((s, e) for s in range(len(raw)) if raw.startswith(first, s)
                      for e in range(s + len(first), len(raw) + 1)
                      if fold(strip_markup(raw[s:e])) == text)
    return {
        "doc_id": doc_id, "segment_id": segment_id, "sentence_id": f"{doc_id}#{position:04d}",
        "position": position, "text": text, "char_start": start, "char_end": end,
        "label": label, "confidence": 0.9, "p_leadership_trait": 0.0, "p_management_trait": 0.0,
        "p_relationship_claim": 0.0, "p_other": 0.0, "model_version": "test",
    }


def assert_offsets(claims: list[ClaimRecord], documents: dict[str, str]) -> None:
    for claim in claims:
        raw = documents[claim.doc_id]
        assert fold(strip_markup(raw[claim.char_start : claim.char_end])) == claim.phrase


def claims_of(parser, text: str, label: str, raw: str | None = None) -> list[ClaimRecord]:
    """Claims of one sentence; ``raw`` is its page (by default a line before, then the text)."""
    raw = raw if raw is not None else f"A title\n\n{text}\n"
    sentence = row(raw, text, label)
    claims = extract_claims([sentence], {"d": raw}, parser)
    assert_offsets(claims, {"d": raw})
    return claims


def traits(claims: list[ClaimRecord]) -> list[ClaimRecord]:
    return [c for c in claims if c.kind == "trait"]


def relationship(claims: list[ClaimRecord]) -> ClaimRecord:
    found = [c for c in claims if c.kind == "relationship"]
    assert len(found) == 1, claims
    return found[0]


# ---------------------------------------------------------------------------------------
# Records


def test_records_have_the_schema_columns():
    assert [f.name for f in fields(ClaimRecord)] == CLAIMS.names
    assert [f.name for f in fields(TraitRecord)] == TRAITS.names


# ---------------------------------------------------------------------------------------
# Acceptance cases (seed sentences as inputs)


def test_drucker_contrast_gives_a_relation_and_a_trait_per_role(parser):
    text = ('Peter Drucker said, "Management is doing things right; leadership is doing the '
            'right things".')
    claims = claims_of(parser, text, REL)
    assert [(c.kind, c.role) for c in claims] == [
        ("relationship", "both"), ("trait", "management"), ("trait", "leadership")]
    assert relationship(claims).relation == "distinct"
    management, leadership = traits(claims)
    assert management.phrase == "doing things right"
    assert leadership.phrase == "doing the right things"
    assert management.trait != leadership.trait
    assert {c.attributed_to for c in claims} == {"Peter Drucker"}
    assert not any(c.negated for c in claims)
    assert [c.claim_id for c in claims] == ["d#0000/0", "d#0000/1", "d#0000/2"]
    assert all(c.relation is None and c.trait for c in traits(claims))
    assert relationship(claims).trait is None


def test_maxwell_quote_is_attributed_without_his_title(parser):
    text = ('My mentor John Maxwell says, "Leaders become great, not because of their power, '
            'but because of their ability to empower others".')
    claims = claims_of(parser, text, LEAD)
    assert claims and all(c.kind == "trait" and c.role == "leadership" for c in claims)
    assert {c.attributed_to for c in claims} == {"John Maxwell"}
    assert claims[0].phrase.startswith("become great")
    assert "empower others" in claims[0].phrase
    assert not claims[0].negated  # "not because of their power" does not deny the claim


def test_kotter_is_credited_for_the_relationship(parser):
    text = ("John P Kotter is an expert in this field, and has written extensively on the "
            "qualities required by leaders, and how leaders must distinguish themselves from "
            "Managers.")
    claims = claims_of(parser, text, REL)
    assert relationship(claims).relation == "distinct"
    assert {c.attributed_to for c in claims} == {"John P Kotter"}


def test_a_quote_introduced_by_the_previous_sentence_is_attributed(parser):
    raw = ("Appelo writes: [...]the management hierarchy is a simple necessity, and that the "
           "bulk of the work is done through a social network of leaders and followers. "
           "The leadership network is superimposed on the management hierarchy.\n"
           "gbohrn\nLeaders are born.\n")
    quoted = ("[...]the management hierarchy is a simple necessity, and that the bulk of the "
              "work is done through a social network of leaders and followers.")
    rows = [
        row(raw, "Appelo writes:", OTHER, position=0),
        row(raw, quoted, REL, position=1),
        row(raw, "Leaders are born.", LEAD, segment_id="d/2", position=2),
    ]
    claims = extract_claims(rows, {"d": raw}, parser)
    assert_offsets(claims, {"d": raw})
    by_sentence = defaultdict(list)
    for claim in claims:
        by_sentence[claim.sentence_id].append(claim)
    assert "d#0000" not in by_sentence  # label other: no claim
    assert {c.attributed_to for c in by_sentence["d#0001"]} == {"Appelo"}
    assert {c.attributed_to for c in by_sentence["d#0002"]} == {None}  # another segment


def test_leaders_lead_and_managers_manage(parser):
    text = ("I must confess that I was confused on this issue for many years and had not made "
            "the distinction that leaders lead - and that managers manage, implement, (and "
            "provide grounding for??) that which the leader has thought up.")
    claims = claims_of(parser, text, REL)
    assert relationship(claims).relation == "distinct"
    by_role = {c.role: c for c in traits(claims)}
    assert set(by_role) == {"leadership", "management"} and len(traits(claims)) == 2
    assert by_role["leadership"].phrase == "lead"
    assert by_role["management"].phrase.startswith("manage, implement")
    assert not any(c.negated for c in claims)


def test_is_about(parser):
    [claim] = claims_of(parser, "Leadership is about getting results through people.", LEAD)
    assert (claim.kind, claim.role, claim.phrase) == (
        "trait", "leadership", "about getting results through people")
    assert claim.trait == "get result people"
    assert (claim.relation, claim.negated, claim.attributed_to) == (None, False, None)


def test_has_more_to_do_with(parser):
    [claim] = claims_of(parser, "Management has more to do with keeping all the wheels "
                                "turning.", MANAGE)
    assert claim.role == "management"
    assert claim.phrase in ("keeping all the wheels turning",
                            "more to do with keeping all the wheels turning")
    assert "keep" in claim.trait.split() and "wheel" in claim.trait.split()


def test_conjoined_verbs_are_one_or_two_traits(parser):
    text = "Leaders will motivate and rally the troops to take the whole forest"
    claims = claims_of(parser, text, LEAD)
    assert all(c.role == "leadership" and not c.negated for c in claims)
    phrases = " | ".join(c.phrase for c in claims)
    assert "motivate" in phrases and "rally the troops" in phrases
    assert "will" not in phrases.split()


def test_conjoined_predicates_of_a_copula_are_separate(parser):
    claims = claims_of(parser, "I good quality manager will be detail oriented and drive home "
                               "handling the trees.", MANAGE)
    assert [c.phrase for c in claims] == ["detail oriented", "drive home handling the trees"]


def test_negated_trait_with_markup_inside(parser):
    raw = "<h1>Titles</h1>\n<p>Leadership is <b>not</b> about titles.</p>\n"
    [claim] = claims_of(parser, "Leadership is not about titles.", LEAD, raw=raw)
    assert claim.negated is True
    assert claim.phrase == "about titles"
    assert raw[claim.char_start : claim.char_end] == "about titles"


def test_offsets_cross_inline_markup(parser):
    raw = "<p>Managers <i>plan the work</i> carefully.</p>"
    [claim] = claims_of(parser, "Managers plan the work carefully.", MANAGE, raw=raw)
    assert claim.phrase == "plan the work carefully"
    assert raw[claim.char_start : claim.char_end] == "plan the work</i> carefully"


def test_not_mutually_exclusive_is_overlapping(parser):
    claim = relationship(claims_of(parser, "These are not mutually exclusive concepts.", REL))
    assert (claim.relation, claim.negated, claim.role) == ("overlapping", False, "both")


def test_paraphrases_meet_in_one_canonical_trait(parser):
    raw = "Leaders motivate folks.\nLeadership is about motivating people.\n"
    rows = [row(raw, "Leaders motivate folks.", LEAD, position=0),
            row(raw, "Leadership is about motivating people.", LEAD, position=1)]
    claims = extract_claims(rows, {"d": raw}, parser)
    assert [c.trait for c in claims] == ["motivate people", "motivate people"]
    assert [c.phrase for c in claims] == ["motivate folks", "about motivating people"]


# ---------------------------------------------------------------------------------------
# Patterns


@pytest.mark.parametrize(("text", "label", "role", "phrase", "negated"), [
    ("Leaders should listen to their teams.", LEAD, "leadership", "listen to their teams",
     False),
    ("A manager can't ignore the budget.", MANAGE, "management", "ignore the budget", True),
    ("Leaders must set a clear direction.", LEAD, "leadership", "set a clear direction", False),
    ("Managers will never inspire anyone.", MANAGE, "management", "inspire anyone", True),
    ("Leadership means setting a vision.", LEAD, "leadership", "setting a vision", False),
    ("Leadership requires courage.", LEAD, "leadership", "courage", False),
    ("Management has nothing to do with titles.", MANAGE, "management", "titles", True),
    ("This involves coaching, mentoring, equipping and so on.", LEAD, "leadership",
     "coaching, mentoring, equipping and so on", False),
    ("As leaders, we achieve organizational success by helping our people succeed in their "
     "role.", LEAD, "leadership",
     "achieve organizational success by helping our people succeed in their role", False),
    ("The boss should motivate employees.", MANAGE, "management", "motivate employees", False),
    ("Managing people is mostly about listening.", MANAGE, "management",
     "mostly about listening", False),
    ("Leadership is the art of influencing others to accomplish a goal or task.", LEAD,
     "leadership", "the art of influencing others to accomplish a goal or task", False),
])
def test_trait_patterns(parser, text, label, role, phrase, negated):
    claims = claims_of(parser, text, label)
    assert [(c.kind, c.role, c.phrase, c.negated) for c in claims] == [
        ("trait", role, phrase, negated)]


@pytest.mark.parametrize(("text", "construction", "subject", "head", "node", "phrase",
                          "negated"), [
    ("Leadership is a mindset.", "copula", "Leadership", "is", "complement", "a mindset",
     False),
    ("Good managers are not bossy.", "copula", "managers", "are", "complement", "bossy", True),
    ("Leadership is about setting direction.", "copula_about", "Leadership", "is", "object",
     "about setting direction", False),
    ("Leadership is not about titles.", "copula_about", "Leadership", "is", "object",
     "about titles", True),
    ("Management has more to do with keeping the wheels turning.", "more_to_do_with",
     "Management", "has", "object", "keeping the wheels turning", False),
    ("Management has nothing to do with titles.", "more_to_do_with", "Management", "has",
     "object", "titles", True),
    ("Leaders will inspire their teams.", "modal", "Leaders", "inspire", "modal",
     "inspire their teams", False),
    ("A manager should plan the work.", "modal", "manager", "plan", "modal", "plan the work",
     False),
    ("Managers can't ignore the budget.", "modal", "Managers", "ignore", "modal",
     "ignore the budget", True),
    ("Leaders must never lie.", "modal", "Leaders", "lie", "modal", "lie", True),
    ("Leadership means setting a vision.", "linking", "Leadership", "means", "complement",
     "setting a vision", False),
    ("Leadership involves coaching.", "linking", "Leadership", "involves", "complement",
     "coaching", False),
    ("Management does not require charisma.", "linking", "Management", "require",
     "complement", "charisma", True),
])
def test_predicate_patterns_fire(parser, text, construction, subject, head, node, phrase,
                                 negated):
    doc = parser(text)
    found = [m for m in predicate_matches(doc) if m.construction == construction]
    assert [(m.subject.text, m.head.text) for m in found] == [(subject, head)]
    assert node in found[0].nodes and found[0].nodes[node].i > found[0].subject.i
    label = MANAGE if subject.lower().startswith("manag") else LEAD
    assert [(c.phrase, c.negated) for c in claims_of(parser, text, label)] == [
        (phrase, negated)]


@pytest.mark.parametrize("text", [
    "Poor planning will lead to higher costs.",  # no role word as subject
    "Should leaders micromanage?",  # a question: the modal before the subject
    "Is leadership about vision?",
    "My manager was on leave.",  # "on", not "about"
    "We asked what leaders do.",
    "The team respects its managers.",  # the role word is not the subject
])
def test_predicate_patterns_do_not_fire(parser, text):
    assert predicate_matches(parser(text)) == []


def test_the_predicate_matcher_is_built_once_per_vocab(parser):
    matcher = claims_module._predicate_matcher(parser.vocab)
    assert claims_module._predicate_matcher(parser.vocab) is matcher
    doc = parser("Leaders will listen.")
    assert predicate_matches(doc) is predicate_matches(doc)  # once per Doc too
    assert claims_module._predicate_matcher(doc.vocab) is matcher


def test_a_trait_sentence_always_yields_a_claim(parser):
    for text in ("leader = director (CEO)", "But at the end of the day, it about getting a job "
                 "done.", "Remember, if you are leading and no one is following, then you are "
                 "simply taking a hike!"):
        claims = claims_of(parser, text, LEAD)
        assert claims and all(c.kind == "trait" and c.role == "leadership" for c in claims)


def test_light_nouns_and_people_nouns_are_normalised(parser):
    [ability] = claims_of(parser, "Leadership is the ability to motivate folks.", LEAD)
    [plain] = claims_of(parser, "Good leaders motivate their staff.", LEAD)
    assert ability.trait == plain.trait == "motivate people"


@pytest.mark.parametrize(("text", "relation", "negated"), [
    ("Leadership and management are very different things.", "distinct", False),
    ("There is a profound difference between leading and managing.", "distinct", False),
    ("Leaders and managers are not the same.", "distinct", False),
    ("Most managers do not see themselves as leaders.", "distinct", False),
    ("There is no difference between leaders and managers.", "same", False),
    ("In my experience the two are synonymous.", "same", False),
    ("Good leaders are good managers and vice versa.", "same", False),
    ("Leadership and management complement each other.", "complementary", False),
    ("Leadership and management go hand in hand.", "complementary", False),
    ("But the reality is that the two disciplines cannot work apart.", "complementary", False),
    ("Leadership and management are opposing disciplines.", "opposed", False),
    ("Sometimes leadership and management could work against each other.", "opposed", False),
    ("Leadership and management overlap a great deal.", "overlapping", False),
    ("In fact, leaders can be managers and managers can be leaders.", "overlapping", False),
    ("Good management can lead, and good leadership can manage.", "overlapping", False),
    ("Managers report to leaders.", "hierarchical", False),
    ("The leadership network is superimposed on the management hierarchy.", "hierarchical",
     False),
    ("Many managers never make the transition from managing to leading.", "hierarchical",
     False),
    ("Management is a subset of leadership.", "hierarchical", False),
    ("You must be effective at both roles.", "both_needed", False),
    ("Organizations need both leadership and management.", "both_needed", False),
    ("The real power lies with the people that have both.", "both_needed", False),
    ("I suggest that promoting managers that cannot lead contributes to bloat.", "both_needed",
     False),
    ("You don't have to be in management to demonstrate leadership.", "both_needed", True),
])
def test_relations(parser, text, relation, negated):
    claim = relationship(claims_of(parser, text, REL))
    assert (claim.relation, claim.negated, claim.role, claim.trait) == (
        relation, negated, "both", None)


@pytest.mark.parametrize(("text", "management", "leadership"), [
    ("While management may be what you do, leadership is the way you think.",
     ("what you do", False), ("the way you think", False)),
    ("you lead people into battle, you do not manage them into battle",
     ("manage them into battle", True), ("lead people into battle", False)),
    ("One way of looking at it is that Leadership is all about change, whereas Management is "
     "all about stability.", ("all about stability", False), ("all about change", False)),
])
def test_contrasts_give_distinct_and_a_trait_per_role(parser, text, management, leadership):
    claims = claims_of(parser, text, REL)
    assert relationship(claims).relation == "distinct"
    assert claims[0].kind == "relationship"
    by_role = {c.role: (c.phrase, c.negated) for c in traits(claims)}
    assert by_role == {"management": management, "leadership": leadership}


def test_lead_to_is_not_the_leadership_role(parser):
    claims = claims_of(parser, "Managers cut budgets, and poor planning will lead to higher "
                               "costs.", REL)
    assert [c.kind for c in claims] == ["relationship"]  # no "leadership" trait


def test_an_other_sentence_yields_nothing_and_is_not_parsed(parser):
    parsed: list[str] = []

    class Recorder:
        def pipe(self, texts, **kwargs):
            for item in texts:
                parsed.append(item[0])
                yield from parser.pipe([item], **kwargs)

    raw = "What is the difference between management and leadership?\nLeaders inspire.\n"
    rows = [row(raw, "What is the difference between management and leadership?", OTHER),
            row(raw, "Leaders inspire.", LEAD, position=1)]
    claims = extract_claims(rows, {"d": raw}, Recorder())
    assert parsed == ["Leaders inspire."]
    assert [(c.sentence_id, c.phrase) for c in claims] == [("d#0001", "inspire")]


@pytest.mark.parametrize(("text", "label", "who"), [
    ("As Kotter argues, leaders cope with change.", LEAD, "Kotter"),
    ("According to Jane Doe, managers plan the work.", MANAGE, "Jane Doe"),
    ("Warren Bennis used to say that managers do things right.", MANAGE, "Warren Bennis"),
    ("He says that leaders inspire.", LEAD, None),
    ("Leaders say they value feedback.", LEAD, None),
    ("Managers at Acme plan ahead.", MANAGE, None),
])
def test_attribution(parser, text, label, who):
    claims = claims_of(parser, text, label)
    assert claims and {c.attributed_to for c in claims} == {who}


def test_same_input_same_claims(parser):
    text = "Leadership and management are very much intertwined."
    assert claims_of(parser, text, REL) == claims_of(parser, text, REL)


def test_inconsistent_input_is_an_error(parser):
    raw = "Leaders inspire.\n"
    good = row(raw, "Leaders inspire.", LEAD)
    with pytest.raises(ValueError, match="does not match"):
        extract_claims([{**good, "text": "Leaders inspire people."}], {"d": raw}, parser)
    with pytest.raises(ValueError, match="not given"):
        extract_claims([good], {}, parser)


# ---------------------------------------------------------------------------------------
# Traits table


def _claim(sentence_id: str, role: str, trait: str | None, negated: bool = False,
           kind: str = "trait", n: int = 0) -> ClaimRecord:
    return ClaimRecord(
        claim_id=f"{sentence_id}/{n}", sentence_id=sentence_id,
        doc_id=sentence_id.split("#")[0], kind=kind, role=role, phrase=f"p {sentence_id} {n}",
        trait=trait, relation="distinct" if kind == "relationship" else None,
        negated=negated, attributed_to=None, char_start=0, char_end=1,
    )


def test_build_traits_counts_and_sorts():
    claims = [
        _claim("b#0002", "leadership", "inspire people"),
        _claim("a#0001", "leadership", "inspire people", n=1),
        _claim("a#0001", "leadership", "inspire people"),
        _claim("a#0003", "leadership", "set vision"),
        _claim("a#0004", "leadership", "set vision", negated=True),  # denied: not counted
        _claim("a#0005", "management", "plan work"),
        _claim("a#0006", "both", None, kind="relationship"),
    ]
    sentences = [{"sentence_id": c.sentence_id, "segment_id": c.sentence_id[:1] + "/seg"}
                 for c in claims]
    sentences[0] = {"sentence_id": "b#0002", "segment_id": "b/other"}
    segments = [{"segment_id": "a/seg", "author": "ann"}, {"segment_id": "b/seg", "author": None},
                {"segment_id": "b/other", "author": "bob"}]
    rows = build_traits(claims, sentences, segments)
    assert [(r.role, r.trait, r.n_claims, r.n_documents, r.n_authors) for r in rows] == [
        ("leadership", "inspire people", 3, 2, 2),
        ("leadership", "set vision", 1, 1, 1),
        ("management", "plan work", 1, 1, 1),
    ]
    assert (rows[0].example_sentence_id, rows[0].example_phrase) == ("a#0001", "p a#0001 0")
    # Rows of claims.parquet (mappings) give the same table.
    assert build_traits([c.__dict__ for c in claims], sentences, segments) == rows
    # So do batches tallied apart (and sent between processes), merged in any order.
    first, second = TraitTally(), TraitTally()
    first.add(claims[3:], sentences, segments)
    second.add(claims[:3], sentences, segments)
    merged = TraitTally()
    merged.merge(pickle.loads(pickle.dumps(first)))
    merged.merge(pickle.loads(pickle.dumps(second)))
    assert merged.records() == rows


# ---------------------------------------------------------------------------------------
# The hand-labeled seed sentences, end to end


@pytest.fixture(scope="module")
def seed_claims(parser):
    """Claims of every sentence of labels/seeds.csv: one document per seed page (its
    sentences, one per line), one segment per page, in the file's order."""
    with SEED_LABELS.open(encoding="utf-8", newline="") as handle:
        labeled = list(csv.DictReader(handle))
    lines: dict[str, list[str]] = defaultdict(list)
    rows = []
    for item in labeled:
        source, text = item["source"], item["text"]
        start = sum(len(line) + 1 for line in lines[source])
        lines[source].append(text)
        rows.append({
            "doc_id": source, "segment_id": source,
            "sentence_id": f"{source}#{int(item['position']):04d}",
            "position": int(item["position"]), "text": text, "char_start": start,
            "char_end": start + len(text), "label": item["label"],
        })
    documents = {source: "\n".join(texts) + "\n" for source, texts in lines.items()}
    return rows, documents, extract_claims(rows, documents, parser)


def test_seed_sentences_all_yield_claims(seed_claims):
    rows, documents, claims = seed_claims
    by_sentence: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        by_sentence[claim.sentence_id].append(claim)
    for sentence in rows:
        found = by_sentence.get(sentence["sentence_id"], [])
        if sentence["label"] == OTHER:
            assert not found, sentence["text"]
            continue
        assert found, sentence["text"]
        if sentence["label"] == REL:
            assert found[0].kind == "relationship" and found[0].role == "both"
            assert sum(c.kind == "relationship" for c in found) == 1
        else:
            role = sentence["label"].split("_")[0]
            assert all(c.kind == "trait" and c.role == role for c in found)
    assert_offsets(claims, documents)
    for claim in claims:
        assert claim.kind in CLAIM_KINDS and claim.role in CLAIM_ROLES
        assert (claim.relation in RELATIONS) == (claim.kind == "relationship")
        assert (claim.trait is None) == (claim.kind == "relationship")


def test_seed_attributions_and_negations(seed_claims):
    rows, _, claims = seed_claims
    sentence_of = {r["sentence_id"]: r["text"] for r in rows}
    credited = {c.attributed_to: sentence_of[c.sentence_id] for c in claims if c.attributed_to}
    assert set(credited) == {"Peter Drucker", "John Maxwell", "John P Kotter", "Appelo"}
    assert credited["Appelo"].startswith("[...]the management hierarchy")
    negated = {sentence_of[c.sentence_id] for c in claims if c.negated}
    assert len(negated) >= 3
    assert "You don't have to be in management to demonstrate leadership." in negated
    assert "Unfortunately, you don't have to have leadership skills to become a manager." in \
        negated


def test_seed_traits_table(seed_claims):
    rows, _, claims = seed_claims
    segments = [{"segment_id": r["segment_id"], "author": None} for r in rows]
    table = build_traits(claims, rows, segments)
    assert table and [(t.role, -t.n_claims, t.trait) for t in table] == sorted(
        (t.role, -t.n_claims, t.trait) for t in table)
    counted = [c for c in claims if c.kind == "trait" and not c.negated]
    assert sum(t.n_claims for t in table) == len(counted)
    assert all(t.n_authors == 0 and t.n_documents >= 1 for t in table)
