"""Coverage accuracy through analyze() as shipped.

The shipped method is round 25's (voiceprep/analysis/README.md): round 24's, plus a second look for
the built-in questions that compares each answer with the labelled answers' windows that made or
missed each point (each labelled set here is judged against the other sets' windows). Round 24's: round 7's encoder (fine-tuned on
tests/data/coverage and coverage-holdout through coverage-holdout4) and its coverage model for
new questions with the attribution rule (round 11); for the questions the encoder was trained on,
a second model fitted on fresh answers to them (holdouts 8, 9 and 10), whose gate also opens for
one plainly made point (round 13). The floors are on the sets the shipped method was never fitted
on, each measured after a freeze: holdout 6 (new questions) and holdout 7 (new behavioural and
motivation questions), which only the new-question model meets; holdout 11 (round 11's one
evaluation); holdouts 12 and 13 (round 13's two one-off evaluations); holdouts 14 and 15 (round 13
scored once more in round 15, when round 15's encoder did not ship); holdout 16 (round 16's one
evaluation: round 13 plus the exemplar gate, tests/analysis/test_exemplars.py); holdout 17 (round
20's one evaluation: the learned second look on top, tests/analysis/test_review.py); holdout 18
(round 22's: every text embedded alone and every stage refitted); holdout 19 (round 22 refitted with
holdout 18, after round 23 failed its rule); holdout 20 (round 24's: the detail features); holdouts 21-24
(round 25's two evaluations and its confirmation). The exemplars and the second look
are fitted on every development set the encoder never saw, holdouts 5-20 included, so on those sets
their figures are development figures (higher than their one evaluations); the floors stay where
the one evaluations put them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceprep.analysis import calibrate as cal
from voiceprep.analysis.analyzer import analyze
from voiceprep.analysis.coverage import decide, load_models, pick_model
from voiceprep.analysis.embeddings import get_embedder
from voiceprep.analysis.options import AnalysisOptions
from voiceprep.analysis.trained import question_trained
from voiceprep.analysis.transcript import Transcript
from voiceprep.bank.loader import load_banks

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "data" / "coverage"
SEALED = {"coverage-holdout25", "coverage-holdout26"}  # scored once, by a later round; never opened before
# off-topic answers a frozen method covered in a sealed set's one evaluation: the issue allows none, so
# the target test below fails on them; every other off-topic answer must stay uncovered
# round 13 covered h13-dev-04 (margin-opened, generic cues); round 16's exemplar gate closes it
KNOWN_OFF_TOPIC_FAILURES: set[str] = set()


def _answers(folder: Path):
    banks = load_banks(ROOT / "questions")
    for f in sorted(folder.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        found = banks.resolve(d["question"])
        assert found is not None, d["question"]
        for a in d["answers"]:
            yield found[0], found[1], a


def _statuses(bank, q, a, exemplar_gate: bool = True, point_review: bool = True, own_set: str = "") -> dict[str, str]:
    """Statuses through analyze() as shipped; a labelled set's answers are judged against the other
    sets' point exemplars (round 25), as a user's fresh answer is: its own windows are not in there."""
    r = analyze(Transcript.from_text(a["text"]), bank, q, None,
                AnalysisOptions(exemplar_gate=exemplar_gate, point_review=point_review,
                                exemplars_without=frozenset({own_set} - {""})))
    assert r.coverage.method == "cues+embeddings", r.coverage.embedding_error
    return {p.id: p.status for p in r.coverage.points}


def _unopened(folder: Path) -> bool:
    """A set whose README opens with a SEALED banner and has no "used" status: never to be opened
    here, even before someone adds it to SEALED (a helper may be writing it as the tests run)."""
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return "SEALED" in text[:400].upper() and "used.**" not in text


def test_every_unopened_set_is_in_sealed() -> None:
    folders = (ROOT / "tests" / "data").glob("coverage*")
    assert {d.name for d in folders if _unopened(d)} <= SEALED


def test_no_labelled_off_topic_answer_has_a_covered_point() -> None:
    """Every off-topic answer of every labelled set but the sealed one. Round 7 covered points in
    three (h4-ba-06, a gaming PM's "tell me about yourself" against battle-for-attention; t8-kids-05
    and t8-prio-03, written to name the question's domain in passing); round 11's model for trained
    questions covers none, and the issue's target allows none. Holdout 13's one evaluation found
    one more, h13-dev-04, which round 16's exemplar gate closes: none may be covered now."""
    folders = [d for d in sorted((ROOT / "tests" / "data").glob("coverage*"))
               if d.name not in SEALED and not _unopened(d) and d.name != "coverage-agreement"]
    off = [(a["id"], _statuses(b, q, a, own_set=d.name)) for d in folders for b, q, a in _answers(d)
           if a["kind"] == "off-topic"]
    assert len(off) >= 130
    assert {i for i, p in off if "covered" in p.values()} == KNOWN_OFF_TOPIC_FAILURES


def test_analyze_decides_as_the_bench_that_fitted_the_model() -> None:
    """The bench fits and scores on signals it extracts itself; analyze() must reach the same
    statuses, or the figures in the README would not describe the app."""
    models = load_models()
    embedder = get_embedder()
    checked = 0
    for bank, q, a in list(_answers(DEV))[::9]:
        _, model = pick_model(models, True, question_trained(q))
        sig = cal.with_windows(cal.signals_for(a["text"], q, embedder, (1, 2, 3), bank.questions), model.windows)
        bench = {p.id: p.status for p in decide(sig, model, Transcript.from_text(a["text"])).points}
        # the LOQO bench fits without round 16's exemplar gate and round 19's second look, which
        # are chosen on top of it (bench/choose_exemplar_gate.py, bench/train_point_review.py;
        # tests/analysis/test_exemplars.py, test_review.py)
        assert bench == _statuses(bank, q, a, exemplar_gate=False, point_review=False), a["id"]
        checked += 1
    assert checked >= 6


# ---- held-out sets: each is scored once, after a method is frozen, and becomes development data
# in the next round (holdout 2: round 3, F1 0.794; holdout 3: round 4, F1 0.720; holdout 4:
# round 5, F1 0.707 and 1 of 8 off-topic answers covered; holdout 5: round 6, F1 0.761; see
# voiceprep/analysis/README.md) ----

# measured with the shipped method (round 11; round 13 changed only the trained-question model,
# which moves holdout 11; round 16's exemplar gate moves holdouts 6 and 13 to 0.800, the others
# not at all, since their own answers are among the exemplars); each floor leaves about 0.02 for
# numeric drift across onnxruntime builds
HOLDOUT_FLOORS = {
    # new questions: F1 0.796 (P 0.771, R 0.822); round 7 scored 0.783 in its one evaluation (e64b748),
    # the attribution rule added since moved it
    "coverage-holdout6": 0.77,
    # new behavioural and motivation questions: F1 0.650 (P 0.776, R 0.559), as round 7
    "coverage-holdout7": 0.63,
    # fresh answers to 8 built-in questions, round 11's one evaluation (freeze 4244a77):
    # F1 0.798 (P 0.838, R 0.761); round 13 (post hoc: its change was found on these answers' misses) 0.805
    "coverage-holdout11": 0.78,
    # fresh answers to 8 built-in questions, round 13's one evaluation (freeze 5d98d75): F1 0.873
    # (P 0.923, R 0.828)
    "coverage-holdout12": 0.85,
    # 8 built-in questions (5 judged by the new-question model), round 13's one evaluation of the
    # same freeze: F1 0.784 (P 0.759, R 0.811)
    "coverage-holdout13": 0.76,
    # 8 built-in questions (49 of 56 answers judged by the new-question model), round 13 scored once in
    # round 15 (the new encoder did not ship): F1 0.795 (P 0.742, R 0.857)
    "coverage-holdout14": 0.77,
    # 8 built-in questions (42 of 56 by the new-question model), the same one evaluation: F1 0.794
    # (P 0.743, R 0.853)
    "coverage-holdout15": 0.77,
    # 8 built-in questions (35 of 56 answers judged by the trained-question model), round 16's one
    # evaluation (freeze bbba484): F1 0.832 (P 0.786, R 0.885); round 13 post hoc 0.827
    "coverage-holdout16": 0.81,
    # 8 built-in questions (35 of 56 by the trained-question model), round 20's one evaluation
    # (freeze 342e13d): F1 0.822 (P 0.771, R 0.880); the first pass alone, post hoc, 0.786
    "coverage-holdout17": 0.80,
    # 8 built-in questions (49 of 56 by the trained-question model), round 22's one evaluation
    # (freeze 07ae0fb): F1 0.783 (P 0.763, R 0.804); round 20, shipped before, post hoc 0.802
    "coverage-holdout18": 0.76,
    # 8 built-in questions (35 of 56 by the trained-question model), scored once after round 23's freeze
    # (8d7c070, round 22 refitted with holdout 18): F1 0.853 (P 0.818, R 0.890); first pass alone 0.822
    "coverage-holdout19": 0.83,
    # 8 built-in questions, all judged by the new-question model, round 24's one evaluation (freeze
    # 42f2635): F1 0.786 (P 0.829, R 0.747); first pass alone 0.746
    "coverage-holdout20": 0.76,
    # 8 built-in questions (21 of 56 by the trained-question model), round 25's first evaluation (freeze
    # 3aea8ee, judged against every development set's point exemplars): F1 0.865 (P 0.846, R 0.885);
    # round 24 post hoc 0.859
    "coverage-holdout21": 0.84,
    # 8 built-in questions (all 56 by the trained-question model), round 25's second evaluation (the same
    # freeze): F1 0.899 (P 0.856, R 0.947); round 24 post hoc 0.875
    "coverage-holdout22": 0.87,
    # round 25's confirmation sets (the same freeze, committed before they were opened): holdout 23, 8
    # built-in questions (49 of 56 by the trained-question model), F1 0.920 (P 0.915, R 0.925), round 24
    # post hoc 0.885; holdout 24 (35 of 56), F1 0.847 (P 0.833, R 0.862), round 24 post hoc 0.809
    "coverage-holdout23": 0.90,
    "coverage-holdout24": 0.82,
}
TARGET_F1 = 0.85


def _predictions(name: str):
    folder = ROOT / "tests" / "data" / name
    assert any(folder.glob("*.json")), folder
    return [(a, _statuses(b, q, a, own_set=name)) for b, q, a in _answers(folder)]


@pytest.fixture(scope="module")
def holdout_predictions():
    return {name: _predictions(name) for name in HOLDOUT_FLOORS}


def _covered_f1(predictions) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for a, pred in predictions:
        for pid, label in a["labels"].items():
            got, want = pred[pid] == "covered", label == "covered"
            tp += got and want
            fp += got and not want
            fn += want and not got
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_covered_f1_on_the_holdout_meets_the_floor(holdout_predictions, name: str) -> None:
    p, r, f1 = _covered_f1(holdout_predictions[name])
    assert f1 >= HOLDOUT_FLOORS[name], (name, p, r, f1)


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_no_off_topic_holdout_answer_has_a_covered_point(holdout_predictions, name: str) -> None:
    off = [(a["id"], pred) for a, pred in holdout_predictions[name] if a["kind"] == "off-topic"]
    assert len(off) >= 4
    assert [(i, p) for i, p in off if "covered" in p.values() and i not in KNOWN_OFF_TOPIC_FAILURES] == []


def test_spent_holdouts_reach_the_target_as_development_data(holdout_predictions) -> None:
    """A development figure, not the issue's target: round 25's second look is fitted on these sets
    (each judged here against the *other* sets' point exemplars, as a fresh answer is). Measured at
    the freeze: F1 0.909, 0.866, 0.890, 0.939, 0.919, 0.950, 0.871, 0.854, 0.890, 0.891, 0.924 and
    0.880 on holdouts 6, 7, 11-20 (round 24: 0.877, 0.724, 0.862, 0.881, 0.861, 0.938, 0.836, 0.860,
    0.869, 0.839, 0.907, 0.786); holdouts 21-24 are round 25's own evaluations, 0.865, 0.899, 0.920
    and 0.847, which nothing was fitted on. The target is judged once per sealed set (voiceprep/analysis/README.md,
    round 25); this keeps the development level from sliding below it."""
    off = [a["id"] for name in HOLDOUT_FLOORS for a, pred in holdout_predictions[name]
           if a["kind"] == "off-topic" and "covered" in pred.values()]
    assert off == []
    f1 = [_covered_f1(holdout_predictions[name])[2] for name in HOLDOUT_FLOORS]
    assert sum(f1) / len(f1) >= TARGET_F1, f1
