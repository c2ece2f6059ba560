"""Stage 4, classify: label sentences with the four labels of LABELING.md.

The model is a scikit-learn pipeline: word and character n-grams (TF-IDF) beside
``SentenceFeatures``, hand-made features that carry meaning (which roles a sentence names, in
which senses, whether it negates, contrasts or asks, and which role the previous sentence of
the paragraph named), feeding a multinomial logistic regression.

A trained model is exported as plain JSON (vocabularies, IDF weights, coefficients): loading
it never executes code, and the same labels and seed give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline

from pipeline.errors import PipelineError
from pipeline.schemas import LABELS, PROBABILITY_COLUMNS

MODEL_FORMAT = "leadclaims-linear-v1"

# ---------------------------------------------------------------------------------------
# Features that carry meaning.

_LEAD = re.compile(r"\b(?:lead|leads|leading|led|leader|leaders|leader's|leaders'|leadership"
                   r"|leaderships)\b", re.IGNORECASE)
_MANAGE = re.compile(r"\b(?:manage|manages|managing|managed|manager|managers|manager's"
                     r"|managers'|management|managerial)\b", re.IGNORECASE)
# Senses of "lead" and "manage" that are not the roles.
_LEAD_OTHER = re.compile(
    r"\b(?:lead(?:s|ing)?|led)\s+(?:to|into\s+(?:a|the)\s+\w+\s+of)\b"
    r"|\blead\s+(?:singer|vocal\w*|guitar\w*|role|actor|actress|story|paint|pipe\w*|poisoning"
    r"|time|times|generation|gen|scoring|score|magnet|investigator|counsel|author|balloon"
    r"|weight|crystal|acid|contamination|levels?|exposure)\b"
    r"|\b(?:sales|hot|warm|cold|qualified|new|inbound|outbound|b2b|more|good)\s+leads\b"
    r"|\bleads?\s+(?:list|form|gen|generation|pipeline|funnel|magnet|source|nurturing)\b"
    r"|\blead(?:s|ing)?\s+the\s+(?:league|standings|table|race|polls|charts|series)\b"
    r"|\b(?:took|take|takes|taking|in|into|held|hold|holds|extend\w*|lost|lose)\s+the\s+lead\b"
    r"|\bleading\s+(?:cause|causes|role|edge|question|questions|indicator|brand|light"
    r"|expert|lady|man|scorer|provider|supplier)\b",
    re.IGNORECASE,
)
_MANAGE_OTHER = re.compile(
    r"\bmanag(?:e|es|ed|ing)\s+to\b"
    r"|\bmanag(?:e|es|ed|ing)\s+(?:my|your|his|her|their|our|its)\s+(?:own\s+)?(?:time|money"
    r"|stress|budget|expectations|diabetes|pain|symptoms|finances|weight|calendar|inbox"
    r"|energy|anxiety|health|diet|condition)\b"
    r"|\b(?:time|money|stress|anger|pain|weight|waste|water|cash|wealth|asset|portfolio"
    r"|data|file|password|memory|disk|fleet|content|database|inventory|land|forest|risk"
    r"|cable|key|identity|device|energy|symptom|disease|case|document|record)\s+management\b"
    r"|\bmanaged\s+(?:service|services|hosting|fund|funds|account|accounts|care|retreat)\b",
    re.IGNORECASE,
)
# Other words for the people in each role; the label still follows what the text says.
_LEAD_NOUN = re.compile(r"\b(?:captains?|captaincy|skippers?|commanders?|frontm[ae]n"
                        r"|ringleaders?|visionar(?:y|ies)|chieftains?|mentors?|role models?)\b",
                        re.IGNORECASE)
_MANAGE_NOUN = re.compile(r"\b(?:supervisors?|supervis\w+|sups?|boss(?:es)?|bossy"
                          r"|administrators?|admins?|administration|forem[ae]n|pms?"
                          r"|bureaucrats?|overseers?|middle management|line managers?"
                          r"|schedul\w+|budgets?|headcount|payroll|rotas?|paperwork"
                          r"|spreadsheets?|approv\w+|complian\w+|kpis?|metrics?)\b",
                          re.IGNORECASE)
_EXEC_NOUN = re.compile(r"\b(?:executives?|execs?|ceos?|cfos?|coos?|vps?|directors?|c-suite"
                        r"|chiefs?|head of|heads of|principals?|founders?|officers?|head coach"
                        r"|coach(?:es)?|superintendents?|chairs?|presidents?|owners?)\b",
                        re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|without|nobody|none|cannot)\b|n't\b",
                       re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:whereas|while|but|unlike|rather than|instead of|versus|vs\.?"
                       r"|on the other hand|as opposed to|in contrast|by contrast|meanwhile)\b|;",
                       re.IGNORECASE)
_RELATION = re.compile(
    r"\b(?:differ\w*|distinct\w*|same|synonym\w*|opposit\w*|oppos\w*|complement\w*"
    r"|overlap\w*|intertwin\w*|both|either|neither|the two|vice versa|interchangeab\w*"
    r"|equal\w*|subset|part of|separat\w*|compared?|depend\w*|together|combination"
    r"|hand in hand|apart|exclusive\w*|two sides|each|the other|a bit of each|balance)\b",
    re.IGNORECASE,
)
_PAIR_SUBJECT = re.compile(r"^\W*(?:both|the two|these two|those two|the pair|each|neither"
                           r"|either|one|they both)\b", re.IGNORECASE)
_CLAIM_VERB = re.compile(r"\b(?:is|are|was|were|means?|requires?|involves?|has|have|should"
                         r"|must|will|can|need|needs|do|does|tends?)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:should|must|need to|needs to|has to|have to|ought to|can't|cannot"
                    r"|won't|will)\b", re.IGNORECASE)
_EVALUATIVE = re.compile(r"\b(?:good|great|bad|best|worst|effective|poor|strong|weak|real"
                         r"|true|decent|terrible|mediocre|most|many|too many|every|all)\b",
                         re.IGNORECASE)
_ANAPHOR_START = re.compile(r"^\W*(?:this|that|these|those|they|it|he|she|such|them|their"
                            r"|his|her|the good ones|the best ones|the best of them|the ones"
                            r"|the bad ones|the worst|the good|mine|ours|yours)\b",
                            re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|my|me|i'm|i've|i'd|we|our|us)\b", re.IGNORECASE)
_PAST_ANECDOTE = re.compile(r"\b(?:was|were|had|did|got|went|said|told|asked|last (?:week|year"
                            r"|month)|yesterday|once|back when)\b", re.IGNORECASE)
_GREETING = re.compile(r"^\W*(?:thanks?|thank you|great|nice|hi|hello|hey|agreed|lol|wow"
                       r"|cheers|welcome|congrats)\b", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^\W*\d{1,2}:\d{2}")
_SUBJECT_END = re.compile(
    r"\b(?:is|are|was|were|be|been|am|can|could|will|would|should|must|may|might|shall|do"
    r"|does|did|has|have|had|need|needs|means|requires|involves|tend|tends|get|gets|make"
    r"|makes|take|takes|keep|keeps|know|knows|go|goes|never|always|often|usually|rarely"
    r"|don't|doesn't|can't|won't|isn't|aren't|wasn't|weren't)\b|[,;:]",
    re.IGNORECASE,
)
# What the clause features read (ClauseFeatures): the shape of a sentence that is not a claim.
_LIST_PREFIX = re.compile(r"^\W*(?:\d{1,2}|[a-z])[.)]\s+|^\W*[-*•]\s+|^\W*[qa]\s*:\s*",
                          re.IGNORECASE)
_ROLE_PERSON = (r"(?:lead|leader|leaders|manager|managers|boss|bosses|supervisor|supervisors"
                r"|captain|director|ceo|foreman|coach|sup|gm|team lead)")
# A particular person in a role (an anecdote), not the role in general.
_SPECIFIC_ROLE = re.compile(
    rf"\b(?:my|our|his|her|their)\s+(?:\w+\s+){{0,2}}?{_ROLE_PERSON}\b"
    r"|\b[A-Z][a-z]+\s+[A-Z][a-z]+\b(?=\s+(?:will|was|is|has|had|said|says|told|ran|runs|led"
    r"|managed))",
    re.IGNORECASE,
)
_PROPER_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+\s+[A-Z][a-z]+\b")
# Words of a text about texts, studies and events rather than about the roles.
_META = re.compile(
    r"\b(?:article|articles|post|posts|blog|book|books|chapter|section|episode|study|studies"
    r"|paper|thread|podcast|guest|interview\w*|survey\w*|respondents?|participants?|literature"
    r"|debate\w*|topic|listicle|slides?|exercise|reading|author|piece|memo\w*|newsletter"
    r"|abstract|methods?|findings|report|reports|agenda|minutes|workshop|course|module"
    r"|webinar|session|panel|candidates?|listeners?|readers?|audience|this week|today)\b",
    re.IGNORECASE,
)
# The role words quoted or talked about as words ("the title", "the term").
_MENTION = re.compile(
    r"[\"“'‘]\s*(?:\w+\s+){0,3}?(?:lead\w*|led|manag\w*|boss\w*)\b[^\"”’]{0,40}[\"”’]"
    r"|\b(?:the|a|this|that)\s+(?:word|words|term|terms|title|titles|label|labels|phrase"
    r"|slogan|language)\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^[^.!?]{0,80}(?::\s|\s(?:vs\.?|versus)\s)", re.IGNORECASE)
_VERSUS = re.compile(r"\b(?:vs\.?|versus)\s", re.IGNORECASE)
_IMPERATIVE = re.compile(
    r"^(?:share|ask|stop|use|try|read|describe|identify|discuss|consider|make|take|let|tell"
    r"|remember|think|imagine|start|pick|pay|agree|stay|keep|learn|go|do|don't|be|give|get"
    r"|find|write|list|check|join|click|subscribe|follow|see|note|look|manage|lead)\b",
    re.IGNORECASE,
)
# More senses of "lead" and "manage" that are not the roles: the metal, job titles, services.
_LEAD_OTHER_MORE = re.compile(
    r"\blead[- ](?:based|free|paint|pipes?|pipework|lines?|service|flashing|weights?|sheet"
    r"|roof\w*|developer|dev|engineer|designer|architect|programmer|analyst|vocalist|dancer"
    r"|guitarist|climber|author|researcher|agency|partner|investor|sponsor|auditor|contractor"
    r"|carer|nurse)\b"
    r"|\bthought leadership\b|\bleadership (?:pipeline|content|programme|program|development)\b",
    re.IGNORECASE,
)
_MANAGE_OTHER_MORE = re.compile(
    r"\bmanaged\s+(?:\w+\s+)?(?:service|services|runners?|firewall|fund|funds|hosting|network"
    r"|print|devices?|kubernetes|database)\b|^\W*manage\s+your\b",
    re.IGNORECASE,
)
_PAST_VERB = re.compile(r"\b\w+ed\b", re.IGNORECASE)


@functools.lru_cache(maxsize=8_192)
def role_mentions(text: str) -> tuple[int, int]:
    """Counts of mentions of the leadership role and of the management role in ``text``.

    Senses that are not the roles ("lead to", "the lead singer", "sales leads", "managed to
    finish", "time management") are not counted.
    """
    lead = len(_LEAD.findall(text)) - len(_LEAD_OTHER.findall(text))
    manage = len(_MANAGE.findall(text)) - len(_MANAGE_OTHER.findall(text))
    return max(lead, 0), max(manage, 0)


@functools.lru_cache(maxsize=8_192)
def role_profile(text: str) -> tuple[bool, bool]:
    """Whether ``text`` names the leadership side and the management side, counting other
    words for the people in each role (captain, supervisor, boss …)."""
    lead, manage = role_mentions(text)
    return (lead > 0 or bool(_LEAD_NOUN.search(text)),
            manage > 0 or bool(_MANAGE_NOUN.search(text)))


@functools.lru_cache(maxsize=8_192)
def names_a_role(text: str) -> bool:
    """Whether ``text`` names either role or a person with authority."""
    lead, manage = role_profile(text)
    return lead or manage or bool(_EXEC_NOUN.search(text))


def subject_window(text: str) -> str:
    """The words before the first verb or clause break: a cheap stand-in for the subject."""
    match = _SUBJECT_END.search(text)
    window = text[: match.start()] if match else text
    return " ".join(window.split()[:8])


def antecedents(texts: Sequence[str], starts: Sequence[bool]) -> list[str]:
    """For sentences in paragraph order, the latest earlier sentence of the same paragraph
    that names a role ("" if none). ``starts`` marks the first sentence of each paragraph."""
    out: list[str] = []
    latest = ""
    for text, start in zip(texts, starts):
        if start:
            latest = ""
        out.append(latest)
        if names_a_role(text):
            latest = text
    return out


def _role_bits(lead: bool, manage: bool) -> list[float]:
    return [float(lead and not manage), float(manage and not lead), float(lead and manage),
            float(not lead and not manage)]


class RowFeatures(BaseEstimator, TransformerMixin):
    """Base of hand-made features of ``(text, context, antecedent)`` rows: one value per
    name of ``feature_names``, computed by ``_features`` from the row alone.

    Stateless: ``fit`` learns nothing, so the features of a row depend on that row alone.
    """

    feature_names: tuple[str, ...] = ()
    prefix = "rows"

    def fit(self, X: Any, y: Any = None) -> RowFeatures:
        """Nothing to learn; checks the input has a text column."""
        _columns(X)
        self.n_features_out_ = len(self.feature_names)
        return self

    def transform(self, X: Any) -> sparse.csr_matrix:
        """One row of features per input row, as a sparse matrix."""
        rows = [self._features(t, c, a) for t, c, a in zip(*_columns(X))]
        return sparse.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(
            len(rows), len(self.feature_names)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"{self.prefix}__{n}" for n in self.feature_names], dtype=object)

    @staticmethod
    def _features(text: str, context: str, antecedent: str) -> list[float]:
        raise NotImplementedError


class SentenceFeatures(RowFeatures):
    """Hand-made features of ``(text, context, antecedent)`` rows.

    ``context`` is the previous sentence of the same paragraph ("" if none); ``antecedent``
    the latest earlier sentence of the paragraph that names a role (optional column). The
    features say which roles the sentence names and how (as subject, by another word, in a
    sense that is not the role), whether it negates, contrasts, compares, asks, narrates or
    prescribes, and which role the paragraph was about when the sentence names none.

    Stateless: ``fit`` learns nothing, so the features of a row depend on that row alone.
    """

    feature_names: tuple[str, ...] = (
        "lead_only", "manage_only", "both_roles", "no_role",
        "lead_count", "manage_count", "lead_noun", "manage_noun", "exec_noun",
        "lead_other_sense", "manage_other_sense",
        "subject_lead", "subject_manage", "subject_both", "subject_pair", "subject_exec",
        "negation", "contrast", "relation_words", "claim_verb", "modal", "evaluative",
        "question", "exclamation", "no_final_punct", "title_case", "timestamp", "list_item",
        "anaphor_start", "first_person", "past_anecdote", "first_person_past", "greeting",
        "log_length",
        "context_lead", "context_manage", "context_both", "context_none",
        "antecedent_lead", "antecedent_manage", "antecedent_both",
        "unnamed_after_lead", "unnamed_after_manage", "unnamed_after_both",
        "anaphor_after_lead", "anaphor_after_manage", "anaphor_after_both",
        "contrast_after_lead", "contrast_after_manage",
    )

    prefix = "semantic"

    @staticmethod
    def _features(text: str, context: str, antecedent: str) -> list[float]:
        lead_n, manage_n = role_mentions(text)
        lead, manage = role_profile(text)
        exec_noun = bool(_EXEC_NOUN.search(text))
        subject = subject_window(text)
        s_lead, s_manage = role_profile(subject)
        ctx_lead, ctx_manage = role_profile(context or "")
        ante = antecedent or (context if names_a_role(context or "") else "")
        a_lead, a_manage = role_profile(ante)
        unnamed = not lead and not manage
        anaphor = bool(_ANAPHOR_START.search(text))
        contrast = bool(_CONTRAST.search(text))
        stripped = text.rstrip()
        words_ = stripped.split()
        capitalised = sum(1 for w in words_ if w[:1].isupper())
        first_person = bool(_FIRST_PERSON.search(text))
        past = bool(_PAST_ANECDOTE.search(text))
        return [
            *_role_bits(lead, manage),
            min(lead_n, 3) / 3, min(manage_n, 3) / 3,
            float(bool(_LEAD_NOUN.search(text))), float(bool(_MANAGE_NOUN.search(text))),
            float(exec_noun),
            float(bool(_LEAD_OTHER.search(text))), float(bool(_MANAGE_OTHER.search(text))),
            float(s_lead and not s_manage), float(s_manage and not s_lead),
            float(s_lead and s_manage), float(bool(_PAIR_SUBJECT.search(text))),
            float(bool(_EXEC_NOUN.search(subject))),
            float(bool(_NEGATION.search(text))), float(contrast),
            min(len(_RELATION.findall(text)), 3) / 3, float(bool(_CLAIM_VERB.search(text))),
            float(bool(_MODAL.search(text))), float(bool(_EVALUATIVE.search(text))),
            float(stripped.endswith("?")), float(stripped.endswith("!")),
            float(bool(stripped) and stripped[-1].isalnum()),
            float(len(words_) <= 14 and capitalised >= 0.6 * max(len(words_), 1)),
            float(bool(_TIMESTAMP.search(text))), float(bool(re.match(r"^\W*\d+[.)]\s", text))),
            float(anaphor), float(first_person), float(past), float(first_person and past),
            float(bool(_GREETING.search(text)) and len(words_) <= 6),
            math.log1p(len(words_)) / 4,
            *_role_bits(ctx_lead, ctx_manage),
            float(a_lead and not a_manage), float(a_manage and not a_lead),
            float(a_lead and a_manage),
            float(unnamed and a_lead and not a_manage),
            float(unnamed and a_manage and not a_lead),
            float(unnamed and a_lead and a_manage),
            float(unnamed and anaphor and a_lead and not a_manage),
            float(unnamed and anaphor and a_manage and not a_lead),
            float(unnamed and anaphor and a_lead and a_manage),
            float(contrast and manage and not lead and a_lead),
            float(contrast and lead and not manage and a_manage),
        ]


def _columns(X: Any) -> tuple[list[str], list[str], list[str]]:
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError("input needs a 'text' column")
        n = len(X)

        def column(name: str) -> list[str]:
            if name not in X.columns:
                return [""] * n
            return X[name].fillna("").astype(str).tolist()

        return column("text"), column("context"), column("antecedent")
    raise TypeError("row features expect a pandas DataFrame with a 'text' column")


class ClauseFeatures(RowFeatures):
    """Hand-made features of the shape of a sentence that names a role without a claim
    about it, on ``(text, context, antecedent)`` rows: a list item whose "they" points to a
    role, a particular person in a role (an anecdote), a text about texts or events, the role
    words quoted as words, a heading, an instruction, senses of the words that are not the
    roles.

    Stateless, like ``SentenceFeatures``.
    """

    feature_names: tuple[str, ...] = (
        "list_item_after_lead", "list_item_after_manage", "list_item_after_both",
        "specific_role", "proper_name", "meta", "mention", "heading", "versus", "imperative",
        "lead_other_sense_more", "manage_other_sense_more", "specific_past", "meta_role",
        "mention_role",
    )

    prefix = "clause"

    @staticmethod
    def _features(text: str, context: str, antecedent: str) -> list[float]:
        body = _LIST_PREFIX.sub("", text, count=1)
        lead, manage = role_profile(text)
        role = lead or manage
        ante = antecedent or (context if names_a_role(context or "") else "")
        a_lead, a_manage = role_profile(ante)
        anaphor = not role and bool(_ANAPHOR_START.search(body))
        specific = bool(_SPECIFIC_ROLE.search(text))
        meta = bool(_META.search(text))
        mention = bool(_MENTION.search(text))
        return [
            float(anaphor and a_lead and not a_manage),
            float(anaphor and a_manage and not a_lead),
            float(anaphor and a_lead and a_manage),
            float(specific), float(bool(_PROPER_NAME.search(body))), float(meta),
            float(mention),
            float(bool(_HEADING.search(text)) and not text.rstrip().endswith(".")),
            float(bool(_VERSUS.search(text))), float(bool(_IMPERATIVE.search(body))),
            float(bool(_LEAD_OTHER_MORE.search(text))),
            float(bool(_MANAGE_OTHER_MORE.search(text))),
            float(specific and bool(_PAST_ANECDOTE.search(text) or _PAST_VERB.search(text))),
            float(meta and role), float(mention and role),
        ]


# ---------------------------------------------------------------------------------------
# Training.

FAMILIES: tuple[str, ...] = ("logistic_regression", "complement_nb")
"""Model families compared by ``train``; both are linear, so both export as plain data."""


@dataclass(frozen=True)
class TrainingSettings:
    """Named settings of the training recipe.

    With ``experts`` (logistic regression only), the hand-made features and the n-grams
    are fitted as two separate logistic regressions (C ``structure_C`` and ``C``) whose
    logits add up: one linear model over all the features, in which the n-grams cannot
    learn away what the hand-made features say.

    ``balanced_classes`` weights each label inversely to its frequency. It is off: weighting
    the claim labels up against ``other`` (the commonest) goes against the guide's rule 6
    ("when in real doubt between a trait and other, prefer other"), and grouped
    cross-validation is better without it.
    """

    seed: int = 13
    C: float = 16.0
    structure_C: float = 1.0
    experts: bool = True
    balanced_classes: bool = False
    nb_alpha: float = 0.3
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    max_iter: int = 5000
    cv_folds: int = 5


@dataclass(frozen=True)
class Examples:
    """Labeled sentences as the estimator reads them, with the group (source document) of
    each, which keeps a document on one side of every cross-validation split."""

    texts: list[str]
    contexts: list[str]
    antecedents: list[str]
    labels: list[str]
    groups: list[str]

    def frame(self) -> pd.DataFrame:
        return frame(self.texts, self.contexts, self.antecedents)

    def __len__(self) -> int:
        return len(self.texts)


_ROW_COLUMNS = ["text", "context", "antecedent"]


def _ngram_blocks(settings: TrainingSettings) -> list[tuple[str, Any, Any]]:
    return [
        ("words", TfidfVectorizer(ngram_range=settings.word_ngrams, sublinear_tf=True,
                                  lowercase=True, token_pattern=r"(?u)\b\w[\w']*\b"), "text"),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=settings.char_ngrams,
                                  sublinear_tf=True, lowercase=True,
                                  min_df=settings.char_min_df), "text"),
    ]


def _structure_blocks(settings: TrainingSettings) -> list[tuple[str, Any, Any]]:
    return [
        ("semantic", SentenceFeatures(), _ROW_COLUMNS),
        ("clause", ClauseFeatures(), _ROW_COLUMNS),
    ]


def _logistic_regression(settings: TrainingSettings, C: float) -> LogisticRegression:
    # newton-cg converges in a handful of iterations here, ten times faster than lbfgs.
    return LogisticRegression(C=C, class_weight="balanced" if settings.balanced_classes else None,
                              solver="newton-cg",
                              max_iter=settings.max_iter, random_state=settings.seed)


def build_estimator(settings: TrainingSettings | None = None,
                    family: str = "logistic_regression") -> Pipeline | LinearExperts:
    """The untrained scikit-learn estimator: features, then a linear model of ``family``
    (with ``settings.experts``, logistic regression is two experts: see
    ``TrainingSettings``)."""
    settings = settings or TrainingSettings()
    if family not in FAMILIES:
        raise PipelineError(f"unknown model family {family!r} (one of {', '.join(FAMILIES)})")

    def pipeline(blocks: list[tuple[str, Any, Any]], model: Any) -> Pipeline:
        return Pipeline([("features", ColumnTransformer(blocks, sparse_threshold=1.0)),
                         ("model", model)])

    if family == "complement_nb":
        return pipeline(_ngram_blocks(settings) + _structure_blocks(settings),
                        ComplementNB(alpha=settings.nb_alpha))
    if not settings.experts:
        return pipeline(_ngram_blocks(settings) + _structure_blocks(settings),
                        _logistic_regression(settings, settings.C))
    return LinearExperts([
        ("ngrams", pipeline(_ngram_blocks(settings), _logistic_regression(settings, settings.C))),
        ("structure", pipeline(_structure_blocks(settings),
                               _logistic_regression(settings, settings.structure_C))),
    ])


class LinearExperts(BaseEstimator, ClassifierMixin):
    """Linear pipelines fitted separately, each on its own features, whose logits add up
    (a product of experts): the label probabilities are the softmax of the sum, so the whole
    is one linear model over the features of all of them and exports as one."""

    def __init__(self, experts: Sequence[tuple[str, Pipeline]]) -> None:
        self.experts = experts

    def fit(self, X: Any, y: Any) -> LinearExperts:
        self.experts_ = [(name, clone(expert).fit(X, y)) for name, expert in self.experts]
        classes = [list(expert.classes_) for _, expert in self.experts_]
        if any(c != classes[0] for c in classes):
            raise PipelineError("experts learned different labels")
        self.classes_ = self.experts_[0][1].classes_
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Summed logits, one column per class of ``classes_``."""
        return sum(_softmax_logits(expert.decision_function(X)) for _, expert in self.experts_)

    def predict_proba(self, X: Any) -> np.ndarray:
        return _softmax(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def _softmax_logits(decision: np.ndarray) -> np.ndarray:
    """A binary model's one-column decision as the two logits of the softmax form."""
    decision = np.asarray(decision, dtype=np.float64)
    return np.column_stack([-decision / 2, decision / 2]) if decision.ndim == 1 else decision


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def frame(texts: Sequence[str], contexts: Sequence[str] | None = None,
          antecedents_: Sequence[str] | None = None) -> pd.DataFrame:
    """The input frame the estimator expects (text, context, antecedent)."""
    n = len(texts)
    return pd.DataFrame({
        "text": list(texts),
        "context": list(contexts) if contexts is not None else [""] * n,
        "antecedent": list(antecedents_) if antecedents_ is not None else [""] * n,
    })


def train(examples: Examples, settings: TrainingSettings | None = None,
          family: str = "logistic_regression") -> Pipeline | LinearExperts:
    """Fit the estimator on labeled sentences."""
    unknown = sorted(set(examples.labels) - set(LABELS))
    if unknown:
        raise PipelineError(f"unknown labels: {', '.join(unknown)}")
    return build_estimator(settings, family).fit(examples.frame(), list(examples.labels))


def score(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Per-label precision, recall, F1 and support, macro-F1, accuracy and the confusion
    matrix (rows: true label, columns: predicted, both in ``LABELS`` order)."""
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0
    )
    per_label = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)
    }
    present = [label for label in LABELS if per_label[label]["support"] > 0]
    macro = float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0
    accuracy = float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if len(y_true) else 0.0
    matrix = confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4),
            "per_label": per_label, "confusion_matrix": matrix}


def cross_validated_predictions(examples: Examples, settings: TrainingSettings | None = None,
                                family: str = "logistic_regression") -> tuple[list[str], str]:
    """Out-of-fold predictions where no group (source document) is in both train and test.

    Uses GroupKFold with as many folds as there are groups, up to ``settings.cv_folds``.
    Returns the predictions and a description of the scheme.
    """
    settings = settings or TrainingSettings()
    n_groups = len(set(examples.groups))
    if n_groups < 2:
        raise PipelineError("cross-validation by document needs sentences from two or more "
                            "sources")
    folds = min(settings.cv_folds, n_groups)
    X = examples.frame()
    y = np.asarray(examples.labels, dtype=object)
    predicted = np.empty(len(y), dtype=object)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, examples.groups):
        estimator = build_estimator(settings, family).fit(X.iloc[train_idx], y[train_idx])
        predicted[test_idx] = estimator.predict(X.iloc[test_idx])
    return [str(p) for p in predicted], f"GroupKFold by source document, {folds} folds"


def cross_validate(examples: Examples, settings: TrainingSettings | None = None,
                   family: str = "logistic_regression") -> dict[str, Any]:
    """Cross-validated metrics, grouped by source document (see
    ``cross_validated_predictions``)."""
    predicted, scheme = cross_validated_predictions(examples, settings, family)
    result = score(examples.labels, predicted)
    result["scheme"] = scheme
    return result


def keyword_baseline(texts: Sequence[str]) -> list[str]:
    """The rule to beat: "lead…" and "manag…" → relationship_claim, only "lead…" →
    leadership_trait, only "manag…" → management_trait, neither → other."""
    out = []
    for text in texts:
        lead = re.search(r"\blead", text, re.IGNORECASE) is not None
        manage = re.search(r"\bmanag", text, re.IGNORECASE) is not None
        out.append("relationship_claim" if lead and manage else "leadership_trait" if lead
                   else "management_trait" if manage else "other")
    return out


# ---------------------------------------------------------------------------------------
# The model as data: export to JSON, load without executing code.

def export_model(estimator: Pipeline | LinearExperts) -> dict[str, Any]:
    """The fitted estimator as plain data (JSON-serialisable): vocabularies, IDF weights,
    and one weight vector and bias per label such that the label probabilities are the
    softmax of ``features @ coef.T + intercept`` (true of both families, and of experts,
    whose weights are side by side and biases summed)."""
    parts = ([expert for _, expert in estimator.experts_]
             if isinstance(estimator, LinearExperts) else [estimator])
    blocks: list[dict[str, Any]] = []
    coefs, intercept = [], None
    families = set()
    classes = [str(c) for c in estimator.classes_]
    for part in parts:
        features: ColumnTransformer = part.named_steps["features"]
        for name, transformer, _ in features.transformers_:
            block = _export_block(name, transformer)
            if block is not None:
                blocks.append(block)
        family, coef, bias = _linear_form(part.named_steps["model"])
        families.add(family)
        coefs.append(coef)
        intercept = bias if intercept is None else intercept + bias
    if len(families) != 1:
        raise PipelineError("cannot export experts of different families")
    return {
        "format": MODEL_FORMAT,
        "family": families.pop(),
        "classes": classes,
        "blocks": blocks,
        "coef": [[float(x) for x in row] for row in np.hstack(coefs)],
        "intercept": [float(x) for x in np.asarray(intercept)],
    }


def _export_block(name: str, transformer: Any) -> dict[str, Any] | None:
    if isinstance(transformer, TfidfVectorizer):
        return {"name": name, "type": "tfidf", **_vectorizer_data(transformer)}
    if isinstance(transformer, RowFeatures):
        return {"name": name, "type": transformer.prefix,
                "features": list(transformer.feature_names)}
    return None  # a dropped remainder


def _vectorizer_data(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    params = {k: v for k, v in vectorizer.get_params().items() if k in _VECTORIZER_PARAMS}
    params["ngram_range"] = list(params["ngram_range"])
    vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    return {"params": params, "vocabulary": dict(sorted(vocabulary.items())),
            "idf": [float(x) for x in vectorizer.idf_]}


def _linear_form(model: Any) -> tuple[str, np.ndarray, np.ndarray]:
    """Family, weights and biases of a fitted model in the softmax form."""
    if isinstance(model, LogisticRegression):
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # binary LR stores one row; expand to the softmax form
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return "logistic_regression", coef, intercept
    if isinstance(model, ComplementNB):
        # ComplementNB's joint log-likelihood is X @ feature_log_prob_.T, normalised by a
        # softmax in predict_proba (sklearn adds the prior only with a single class).
        return "complement_nb", model.feature_log_prob_, np.zeros(len(model.classes_))
    raise PipelineError(f"cannot export a {type(model).__name__}")


_VECTORIZER_PARAMS = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "token_pattern",
                      "norm", "use_idf", "smooth_idf", "binary", "strip_accents", "min_df")


def model_bytes(exported: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes of an exported model (same model, same bytes)."""
    return (json.dumps(exported, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


@dataclass
class Classifier:
    """A loaded model: label probabilities for ``(text, context, antecedent)`` rows."""

    version: str
    family: str
    classes: list[str]
    vectorizers: list[tuple[str, Any]]
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def from_data(cls, data: Mapping[str, Any], version: str) -> Classifier:
        """Rebuild a classifier from exported data; raises PipelineError if malformed."""
        try:
            if data["format"] != MODEL_FORMAT:
                raise PipelineError(f"unsupported model format {data['format']!r}")
            vectorizers: list[tuple[str, Any]] = []
            width = 0
            for block in data["blocks"]:
                kind = block["type"]
                if kind == "tfidf":
                    vectorizer = _load_vectorizer(block)
                    vectorizers.append((kind, vectorizer))
                    width += len(block["idf"])
                elif kind in _ROW_FEATURES:
                    features = _ROW_FEATURES[kind]
                    if tuple(block["features"]) != features.feature_names:
                        raise PipelineError(f"model was trained with other {kind} features "
                                            "(retrain it with this version)")
                    vectorizers.append(("rows", features().fit(frame([]))))
                    width += len(block["features"])
                else:
                    raise PipelineError(f"unknown feature block type {kind!r}")
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept = np.asarray(data["intercept"], dtype=np.float64)
            classes = [str(c) for c in data["classes"]]
            family = str(data["family"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PipelineError(f"model data is malformed ({exc})") from exc
        if coef.shape != (len(classes), width) or intercept.shape != (len(classes),):
            raise PipelineError("model data is malformed (weights do not match features)")
        if set(classes) - set(LABELS):
            raise PipelineError(f"model has unknown labels {sorted(set(classes) - set(LABELS))}")
        return cls(version, family, classes, vectorizers, coef, intercept)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None,
                      antecedents_: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities, one column per label in ``LABELS`` order."""
        X = frame(texts, contexts, antecedents_)
        if not len(X):
            return np.zeros((0, len(LABELS)))
        parts = []
        for kind, v in self.vectorizers:
            if kind == "tfidf":
                parts.append(v.transform(X["text"]))
            else:
                parts.append(v.transform(X))
        features = sparse.hstack(parts, format="csr")
        probs = _softmax(np.asarray(features @ self.coef.T) + self.intercept)
        out = np.zeros((len(X), len(LABELS)))
        for j, label in enumerate(self.classes):
            out[:, LABELS.index(label)] = probs[:, j]
        return out

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None,
                antecedents_: Sequence[str] | None = None) -> list[str]:
        """The most probable label of each row."""
        probs = self.predict_proba(texts, contexts, antecedents_)
        return [LABELS[i] for i in probs.argmax(axis=1)]


_ROW_FEATURES: dict[str, type[RowFeatures]] = {"semantic": SentenceFeatures,
                                               "clause": ClauseFeatures}


def _load_vectorizer(block: Mapping[str, Any]) -> TfidfVectorizer:
    params = dict(block["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    params.pop("min_df", None)
    vectorizer = TfidfVectorizer(**params, vocabulary=block["vocabulary"])
    vectorizer.idf_ = np.asarray(block["idf"], dtype=np.float64)
    return vectorizer


def version_for(model_data: bytes, family: str) -> str:
    """Model version derived from the model file's bytes."""
    return f"{family}-{hashlib.sha256(model_data).hexdigest()[:12]}"


# ---------------------------------------------------------------------------------------
# The stage.

def segment_context(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """For sentence rows in document order: the previous sentence of the same segment, and
    the latest earlier sentence of the segment that names a role ("" where none)."""
    contexts: list[str] = []
    starts: list[bool] = []
    last_segment, last_text = None, ""
    for row in rows:
        same = row["segment_id"] == last_segment
        contexts.append(last_text if same else "")
        starts.append(not same)
        last_segment, last_text = row["segment_id"], row["text"]
    return contexts, antecedents([row["text"] for row in rows], starts)


def classify_sentences(rows: Sequence[Mapping[str, Any]], classifier: Classifier,
                       batch_size: int = 4096) -> list[dict[str, Any]]:
    """Add ``label``, ``confidence``, the probability columns and ``model_version`` to
    sentence rows (rows of ``split.parquet`` in document order). Each sentence is read with
    the previous sentences of its segment as context."""
    contexts, antes = segment_context(rows)
    out: list[dict[str, Any]] = []
    for begin in range(0, len(rows), batch_size):
        end = begin + batch_size
        batch = rows[begin:end]
        probs = classifier.predict_proba([r["text"] for r in batch], contexts[begin:end],
                                         antes[begin:end])
        for row, p in zip(batch, probs):
            best = int(p.argmax())
            record = dict(row)
            record["label"] = LABELS[best]
            record["confidence"] = round(float(p[best]), 6)
            for column, value in zip(PROBABILITY_COLUMNS, p):
                record[column] = round(float(value), 6)
            record["model_version"] = classifier.version
            out.append(record)
    return out


def margins(probabilities: np.ndarray) -> np.ndarray:
    """Margin between the two most probable labels of each row (low = unsure)."""
    if not len(probabilities):
        return np.zeros(0)
    top2 = np.sort(probabilities, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def label_counts(labels: Iterable[str]) -> dict[str, int]:
    """Counts per label, every label present (zero where absent)."""
    counts = Counter(labels)
    return {label: counts.get(label, 0) for label in LABELS}
