"""The spam scorer on comments written for each kind of spam and of awkward on-topic text."""

import pytest

from pipeline.spam import SpamSettings, page_vocabulary, score_comment

POST = page_vocabulary([
    "Servant leadership in small teams",
    "Servant leaders put their team first. They remove obstacles, coach people and share "
    "credit, while a manager focused only on targets tends to hoard decisions.",
])
THRESHOLD = SpamSettings().threshold

SPAM = {
    "pharmacy": "Buy cheap viagra and cialis online, no prescription needed, discreet pharmacy "
                "delivery worldwide http://pills-now.example.ru",
    "seo_link_drop": "Great post, very informative! Check out my site "
                     "www.best-seo-tips.example.com",
    "casino": "Best online casino bonus!!! Play slots and poker, win the jackpot tonight at "
              "http://lucky.example.biz",
    "crypto": "I made $5,000 a week with this bitcoin trading signal group, passive income "
              "for everyone, join now at cryptoprofit.example.io",
    "pasted_unrelated": (
        "preheat the oven to two hundred degrees and grease a large baking tray with butter then "
        "mix the flour sugar and eggs in a bowl until smooth add the melted chocolate and fold "
        "gently pour the batter into the tray and bake for twenty five minutes until a skewer "
        "comes out clean leave to cool before cutting into squares dust with icing sugar and "
        "serve with fresh berries and cream the brownies keep for three days in an airtight tin"
    ),
    "ad_borrowing_keywords": "Looking for leadership training? Our certified management course "
                             "is 50% off this week only, order now at www.lead-course.example.com",
    "foreign_language": "Muy buen artículo, me gusta mucho el tema y la forma de explicar las "
                        "cosas, gracias por compartir",
    "non_latin": "Отличная статья, спасибо большое за информацию, очень полезно",
    "dating": "Lonely tonight? Meet hot singles near you on the best dating webcam site",
}

ON_TOPIC = {
    "short": "Agreed.",
    "thanks": "Thanks",
    "rude": "This is garbage. Leaders who 'serve' are just managers who can't say no.",
    "shouty": "MY BOSS NEVER COACHED ANYONE AND THE WHOLE TEAM QUIT!!!",
    "misspelled": "good leadr = listen to ppl, bad maneger = shout at ppl. simpl",
    "polite_vague": "I will read more of your posts: good content.",
    "long_anecdote": (
        "When I ran a warehouse crew I tried the servant approach for a year. I asked people what "
        "got in their way, fixed the rota, and stopped taking credit in meetings. Turnover fell, "
        "but my own manager thought I was soft because I did not push the targets every week. "
        "In the end the team hit the numbers anyway, which taught me that coaching beats "
        "shouting even when the people above you do not see it."
    ),
    "with_link_on_topic": "Kotter makes the same point about leaders and managers in his book, "
                          "see https://example.org/kotter-review for my summary of his argument "
                          "on why teams need both.",
}


@pytest.mark.parametrize("kind", sorted(SPAM))
def test_spam_scores_above_threshold(kind):
    verdict = score_comment(SPAM[kind], POST)
    assert verdict.score >= THRESHOLD, verdict.describe()


@pytest.mark.parametrize("kind", sorted(ON_TOPIC))
def test_on_topic_comments_score_below_threshold(kind):
    verdict = score_comment(ON_TOPIC[kind], POST)
    assert verdict.score < THRESHOLD, verdict.describe()


def test_verdict_says_why():
    verdict = score_comment(SPAM["pharmacy"], POST)
    assert "medical_terms" in verdict.describe()
    assert verdict.describe().startswith("spam score")


def test_threshold_is_a_setting():
    assert SpamSettings(threshold=0.9).threshold == 0.9
    assert score_comment("", POST).score == 0.0
