"""Cleaning on small pages written for each layout and chrome rule."""

import re

import pytest

from pipeline.clean import chrome_reason, clean_document, find_title, looks_like_name
from pipeline.text import fold, strip_markup


def kept(segments, kind=None):
    return [s for s in segments if s.status == "kept" and (kind is None or s.kind == kind)]


def comments(segments):
    """(author, text) of kept comment segments, in order."""
    return [(s.author, s.text) for s in kept(segments, "comment")]


def assert_offsets_trace(raw, segments):
    for s in segments:
        assert 0 <= s.char_start < s.char_end <= len(raw)
        assert fold(strip_markup(raw[s.char_start:s.char_end])) == fold(s.text)


SAYS_PAGE = """Why managers fail

Managers fail when they stop listening to their teams. A manager who listens keeps people.

3 Responses

Alice Smith says:
March 3, 2021 at 9:12 pm
So true, my last boss never listened to anyone on the team.
Reply

bob_77 says:
March 4, 2021 at 10:00 am
Listening is what separates a good manager from a clerk.
Reply

Leave a Reply
Your email address will not be published. Required fields are marked *
"""


def test_name_says_layout_with_reply_links():
    segments = clean_document("d1", SAYS_PAGE)
    assert comments(segments) == [
        ("Alice Smith", "So true, my last boss never listened to anyone on the team."),
        ("bob_77", "Listening is what separates a good manager from a clerk."),
    ]
    assert kept(segments, "title")[0].text == "Why managers fail"
    reasons = {s.reason for s in segments if s.status == "boilerplate"}
    assert {"comment_header", "date", "reply_link", "comment_form", "counter"} <= reasons
    assert_offsets_trace(SAYS_PAGE, segments)


REPEATED_NAME_PAGE = """Leadership is a verb

Leadership is something you do every day, not a title you hold.

4 comments
kaylee
kaylee

Leaders earn trust by showing up when it is hard.

Marco P
Marco P

I think a good leader admits mistakes before anyone else does.
"""


def test_name_repeated_on_two_lines_is_the_author():
    segments = clean_document("d2", REPEATED_NAME_PAGE)
    assert [a for a, _ in comments(segments)] == ["kaylee", "Marco P"]
    assert_offsets_trace(REPEATED_NAME_PAGE, segments)


NUMBERED_PAGE = """Some thoughts on bosses and leaders, written over the weekend after a long week.

2 thoughts on “Bosses and leaders”

  1. Great that someone finally says it!

    Bosses push, leaders pull, and everyone can tell the difference.

    Jane Q

  2. Sam
    January 5, 2020 at 4:44 am

    Managers keep the trains running on time.
"""


def test_numbered_comments_name_with_date_and_signoff():
    segments = clean_document("d3", NUMBERED_PAGE)
    assert comments(segments) == [
        ("Jane Q", "Great that someone finally says it!\n"
                   "Bosses push, leaders pull, and everyone can tell the difference."),
        ("Sam", "Managers keep the trains running on time."),
    ]
    assert find_title(NUMBERED_PAGE) == "Bosses and leaders"
    signoffs = [s.text for s in segments if s.reason == "signoff"]
    assert signoffs == ["Jane Q"]
    assert_offsets_trace(NUMBERED_PAGE, segments)


FORUM_PAGE = """Is a supervisor a manager?
May 2, 2015 by Workplace Answers
Filed under Management Questions
Community Answer: Yes, a supervisor manages people day to day.
Community Answer: Not really.
A supervisor follows the plan that a manager makes.
Community Answer: Depends on the company.
"""


def test_recurring_answer_label_opens_answers():
    segments = clean_document("d4", FORUM_PAGE)
    assert comments(segments) == [
        (None, "Yes, a supervisor manages people day to day."),
        (None, "Not really.\nA supervisor follows the plan that a manager makes."),
        (None, "Depends on the company."),
    ]
    assert [s.reason for s in segments if s.kind == "chrome"].count("answer_label") == 3
    assert {"byline", "tags"} <= {s.reason for s in segments}
    assert_offsets_trace(FORUM_PAGE, segments)


POSTED_BY_PAGE = """Team leads

A team lead sets direction and removes blockers for the team.

12 comments

Posted by Priya at 10:32 AM
Team leads who code too much forget to lead.

Posted by Tom K. on June 1, 2019
A lead should protect the team's focus time.
"""


def test_posted_by_opens_comments():
    segments = clean_document("d5", POSTED_BY_PAGE)
    assert [a for a, _ in comments(segments)] == ["Priya", "Tom K."]


CHROME_PAGE = """Managing remote teams

<p>Remote managers must <b>over-communicate</b> priorities.</p>
See https://example.com/remote-guide for more.
Share this:
Twitter
Like this:
Tags: remote, management
#remote #management #leadership
About Jane Doe
Hi, I'm Jane and this is my personal blog about work.
Previous post
© 2021 Example Media. All rights reserved.
Remote managers must over-communicate priorities.
Connecting to %s
"""


def test_chrome_rules_remove_widgets_tags_bio_and_repeats():
    segments = clean_document("d6", CHROME_PAGE)
    kept_text = [s.text for s in kept(segments)]
    assert kept_text == [
        "Managing remote teams",
        "Remote managers must over-communicate priorities.\nSee for more.",
    ]
    by_reason = {s.reason for s in segments if s.status != "kept"}
    assert {"share_widget", "tags", "author_bio", "navigation", "footer", "repeated_line",
            "template"} <= by_reason
    duplicate = [s for s in segments if s.status == "duplicate"]
    assert len(duplicate) == 1 and duplicate[0].text.startswith("Remote managers")
    assert_offsets_trace(CHROME_PAGE, segments)


@pytest.mark.parametrize("line,reason", [
    ("Leave a comment", "comment_form"),
    ("You are commenting using your Google account. Log Out / Change )", "login_widget"),
    ("%d bloggers like this:", "share_widget"),
    ("27 comments", "counter"),
    ("Thursday, 4 March 2021 11:02", "date"),
    ("Posted in Leadership, Teams", "tags"),
    ("Instagram photo", "ui_widget"),
    ("Newer posts →", "navigation"),
    ("Reply", "reply_link"),
    ("Did you subscribe to your weekly digest? Manage your subscription", "call_to_action"),
])
def test_chrome_reason_for_common_site_chrome(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize("line", [
    "Leaders share credit and take blame.",
    "I had to log in to three systems before my manager would approve anything, which says "
    "a lot about how that company was managed.",
    "Managers plan; leaders inspire.",
    "Great leaders listen",
])
def test_prose_is_not_chrome(line):
    assert chrome_reason(line) is None


def test_looks_like_name():
    assert looks_like_name("Maria Lopez") and looks_like_name("dev_guy42", strict=True)
    assert looks_like_name("Maria Lopez", strict=True)
    assert not looks_like_name("Thanks")
    assert not looks_like_name("The team is fine.")
    assert not looks_like_name("dennis", strict=True)


OFF_TOPIC_PAGE = """What makes a good manager?

A good manager sets clear goals, gives honest feedback and shields the team from chaos.
Managers who explain why a deadline matters get better work than those who only push.

5 comments
ana
ana

TOTALLY AGREE. MY MANAGER NEVER EXPLAINS ANYTHING!!!

rob
rob

good manger = good feedbak, simple

zed
zed

lol

mike
mike

our summer sale on garden furniture is here with teak benches outdoor sofas and parasols in
every colour free delivery on orders over fifty pounds and a two year warranty on all
cushions visit the showroom this weekend for extra savings on loungers hammocks and barbecue
sets the best prices of the season while stocks last order online or call the store today

kim
kim

Thanks
"""


def test_off_topic_comment_removed_on_topic_kept_however_short_or_rude():
    segments = clean_document("d7", OFF_TOPIC_PAGE)
    spam = [s for s in segments if s.status == "spam"]
    assert [s.author for s in spam] == ["mike"]
    assert spam[0].spam_score >= 0.5 and spam[0].reason.startswith("spam score")
    assert [a for a, _ in comments(segments)] == ["ana", "rob", "zed", "kim"]
    for s in kept(segments, "comment"):
        assert s.spam_score < 0.5


def test_empty_and_chrome_only_pages_have_nothing_kept():
    assert clean_document("e", "") == []
    segments = clean_document("c", "Leave a Reply\n\n%d bloggers like this:\n")
    assert kept(segments) == []


def test_every_line_is_accounted_for():
    segments = clean_document("d1", SAYS_PAGE)
    covered = [(s.char_start, s.char_end) for s in segments]
    for match in re.finditer(r"\S[^\n]*", SAYS_PAGE):
        assert any(a <= match.start() < b for a, b in covered), match.group()
