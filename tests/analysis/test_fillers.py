"""Fillers and hedges: the same words counted only when they are fillers."""

from __future__ import annotations

import pytest

from voiceprep.analysis.fillers import find_fillers, find_hedges
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.settings import DEFAULT_FILLERS, DEFAULT_HEDGES


def fillers(text: str) -> list[str]:
    hits = find_fillers(tokenize(Transcript.from_text(text)), DEFAULT_FILLERS)
    return [h.phrase if h.kind == "filler" else f"rep:{h.phrase}" for h in hits]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Um, the main metric is, uh, retention.", ["um", "uh"]),
        ("Umm the the hmm", ["um", "rep:the", "hmm"]),
        ("Uhh, erm, ahh.", ["uh", "erm", "ah"]),
        ("I like this feature.", []),
        ("It looks like a bug.", []),
        ("Features like search help a lot.", []),
        ("We would like to test it.", []),
        ("The metric is like retention.", ["like"]),
        ("And, like, people scroll forever.", ["like"]),
        ("It took like 20 minutes.", ["like"]),
        ("So the first thing is retention.", ["so"]),
        ("We changed it so that it loads faster.", []),
        ("It worked. So we shipped it.", ["so"]),
        ("That is the key metric, right?", ["right"]),
        ("Is that right?", []),
        ("Turn right at the light.", []),
        ("You know, members browse a lot.", ["you know"]),
        ("Do you know what they want?", []),
        ("I mean, it is hard.", ["i mean"]),
        ("That is what I mean.", []),
        ("It is kind of slow.", ["kind of"]),
        ("What kind of metric would you use?", []),
        ("It was basically, actually, literally broken.", ["basically", "actually", "literally"]),
        ("I I think we should test.", ["rep:i"]),
        ("And I, uh, I set up a meeting.", ["rep:i", "uh"]),
        ("We had had enough.", []),
        ("", []),
        # "so" opening a sentence after a discourse marker (Whisper writes "Okay, so ...")
        ("Okay, so the metric is retention.", ["so"]),
        ("Well, so the first thing is churn.", ["so"]),
        ("Alright so let me start.", ["so"]),
        ("Right, so the metric is retention.", ["so"]),
        ("It is okay so far.", []),
        # "like I said" refers back; "like a/an" introduces an example unless a quantity follows
        ("Like I said, it depends on the segment.", []),
        ("As I said, like we discussed, retention.", []),
        ("There are many options like a shuffle button.", []),
        ("It took like a hundred tests.", ["like"]),
        ("It was like a half of them.", ["like"]),
        # a hesitation between subject and verb does not make the verb a filler
        ("We'd, um, like to ship it.", ["um"]),
        ("I, uh, like this one.", ["uh"]),
        # repeated phrases, not only repeated words
        ("I think I think it works.", ["rep:i think"]),
        ("We need, uh, we need a test.", ["rep:we need", "uh"]),
        ("It is what it is.", []),
        ("Bye bye now.", []),
        ("They scroll and scroll and then give up.", []),
        ("The slider goes up and down up and down.", []),
        ("It was, um, it was a big launch.", ["rep:it was", "um"]),
        ("We spent like a day on it.", ["like"]),
        # an adverb between subject and verb: still the verb
        ("Do they actually like the new design?", ["actually"]),
        ("We really, um, like it.", ["um"]),
        ("It's actually like a bug.", ["actually", "like"]),
        # after a preposition "like" cannot be a verb or an example: a filler
        ("They are in the mood for like a comedy.", ["like"]),
        ("It depends on like the device.", ["like"]),
        ("A button, kind of like a shuffle.", ["kind of"]),
        ("So yeah, that's kind of where I'd start.", ["so", "kind of"]),
        ("I like working with that kind of autonomy.", []),
        # a "right" tag Whisper closed with a period or comma instead of a question mark
        ("Retention is the key metric, right.", ["right"]),
        ("We test it on new members, right, and then ship.", ["right"]),
        ("That's right.", []),
        ("The answer is right, and the test agrees.", []),
        # one hyphenated sound is one filler
        ("Mm-hmm, the metric.", ["hmm"]),
        ("Um-um, the metric.", ["um"]),
    ],
)
def test_fillers(text: str, expected: list[str]) -> None:
    assert fillers(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I guess maybe we should probably test it.", ["i guess", "maybe", "probably"]),
        ("I think retention matters and I think churn too.", ["i think", "i think"]),
        ("We just launched it.", []),
        ("We just need a test.", ["just"]),
        ("It is kind of slow.", []),  # counted as a filler, not twice
        ("I feel like it works.", ["i feel like"]),
        ("Retention is the metric.", []),
        # "just" for recency or "only" is not hedging; as a softener it is
        ("We just shipped it last week.", []),
        ("I had just joined the team.", []),
        ("We ran just one test.", []),
        ("It's just a small change.", ["just"]),
        ("I just wanted to say it works.", ["just"]),
    ],
)
def test_hedges(text: str, expected: list[str]) -> None:
    tokens = tokenize(Transcript.from_text(text))
    fl = find_fillers(tokens, DEFAULT_FILLERS)
    taken = {k for h in fl for k in range(h.tok_start, h.tok_end)}
    assert [h.phrase for h in find_hedges(tokens, DEFAULT_HEDGES, taken)] == expected


def test_filler_list_is_configurable() -> None:
    tokens = tokenize(Transcript.from_text("Um, like, basically it works, you know."))
    assert [h.phrase for h in find_fillers(tokens, ("um",))] == ["um"]
    assert [h.phrase for h in find_fillers(tokens, ("basically", "you know"))] == ["basically", "you know"]
