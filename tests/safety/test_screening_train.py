"""Training of the risk screen's semantic layer (kindred/safety/screening/train.py).

The pieces are checked on synthetic inputs whose right answer is known (folds, thresholds
under their ceilings, rule floors, the multiple-instance window head), then ``train()`` runs
end to end on a tiny corpus and a tiny RMHD-like CSV with the real encoder: the artefact it
writes must load, carry every threshold, and come out byte-identical on a second run.

No database: training is offline code, and the package's conftest asks for one by default.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from kindred.safety.screening import corpus as corpus_mod
from kindred.safety.screening import semantic, train
from kindred.safety.screening.decide import Thresholds


@pytest.fixture(autouse=True)
def _db():
    """Overrides tests/safety/conftest.py's database fixture: nothing here touches the db."""
    return None


# ------------------------------------------------------------------------------ folds


def test_group_folds_put_every_family_in_exactly_one_fold():
    families = [f"fam-{i % 23:02d}" for i in range(100)]
    folds = train.group_folds(families)

    assert len(folds) == train.N_FOLDS
    # Every text lands in exactly one fold.
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(families)))
    fold_of: dict[str, set[int]] = {}
    for k, rows in enumerate(folds):
        for r in rows:
            fold_of.setdefault(families[r], set()).add(k)
    # ...and so does every family, whole: no near-duplicate on both sides of a fold.
    assert set(fold_of) == set(families)
    assert all(len(ks) == 1 for ks in fold_of.values())
    # Families are dealt round the folds, so no fold is empty or much larger than another.
    sizes = [len({families[r] for r in rows}) for rows in folds]
    assert max(sizes) - min(sizes) <= 1


def test_group_folds_are_deterministic():
    families = [f"fam-{i % 17:02d}" for i in range(60)]
    first = train.group_folds(families)
    second = train.group_folds(list(families))
    assert [f.tolist() for f in first] == [f.tolist() for f in second]


# ------------------------------------------------------------------------- thresholds


def _share(x: np.ndarray, t: float) -> float:
    return float((x >= t).mean())


def _known_scores() -> tuple[np.ndarray, np.ndarray]:
    """Scores whose best thresholds under the ceilings are 0.50 (low), 0.75 (moderate) and
    0.90 (high); the columns are read independently, so each is built on its own."""
    ranks = np.array([0] * 100 + [1] * 40 + [2] * 30 + [3] * 30)
    s = np.zeros((len(ranks), 3))
    benign, low, risky, high = ranks == 0, ranks == 1, ranks >= 2, ranks == 3
    # Moderate: 10 % of look-alikes reach 0.60 (over the 5 % ceiling), 4 % reach 0.90. So
    # t must be above 0.60; of the risky texts 45/60 reach 0.75 and only 15/60 reach 0.95.
    s[benign, 1] = [0.20] * 90 + [0.60] * 6 + [0.90] * 4
    s[low, 1] = 0.30
    s[risky, 1] = [0.40] * 15 + [0.75] * 30 + [0.95] * 15
    # Low: 20 % of look-alikes reach 0.35 (over 15 %), 6 % reach 0.70. Above 0.35 the best
    # is 0.50: the 60 risky texts and 20 of the 40 low ones (0.8 recall).
    s[benign, 0] = [0.10] * 80 + [0.35] * 14 + [0.70] * 6
    s[low, 0] = [0.30] * 20 + [0.50] * 20
    s[risky, 0] = 0.97
    # High: one look-alike in 100 may reach it (x 10 = 0.10 <= 0.12), two may not; 20 of
    # the 30 high texts reach 0.90.
    s[benign, 2] = [0.10] * 97 + [0.85] * 2 + [0.99] * 1
    s[low, 2] = 0.05
    s[ranks == 2, 2] = 0.50
    s[high, 2] = [0.80] * 10 + [0.90] * 15 + [0.97] * 5
    return s, ranks


def test_choose_thresholds_finds_the_best_recall_under_the_ceilings():
    scores, ranks = _known_scores()
    th, why = train.choose_thresholds(scores, ranks)
    benign = ranks == 0

    assert th.t_moderate == pytest.approx(0.75)
    assert why["t_moderate"]["recall_at_moderate"] == pytest.approx(0.75)
    assert why["t_moderate"]["benign_at_moderate"] == pytest.approx(0.04)
    assert _share(scores[benign, 1], th.t_moderate) <= train.MAX_BENIGN_MODERATE
    # The recall it gave up was not available: where more risky texts pass (0.40), 10 % of
    # the look-alikes do too.
    assert _share(scores[benign, 1], 0.40) > train.MAX_BENIGN_MODERATE

    assert th.t_low == pytest.approx(0.50)
    assert why["t_low"]["recall_at_low"] == pytest.approx(0.80)
    assert _share(scores[benign, 0], th.t_low) <= train.MAX_BENIGN_LOW
    assert _share(scores[benign, 0], 0.30) > train.MAX_BENIGN_LOW

    assert th.t_high == pytest.approx(0.90)
    assert why["t_high"]["recall_at_high"] == pytest.approx(20 / 30)
    assert th.t_low <= th.t_moderate <= th.t_high
    # Short-text thresholds double as long-text ones until choose_long_thresholds runs, and
    # no post head is trusted yet (t_post above any probability).
    assert (th.t_low_long, th.t_moderate_long, th.t_high_long) == (
        th.t_low,
        th.t_moderate,
        th.t_high,
    )
    assert th.t_post > 1.0


GRID = np.round(np.linspace(0.05, 0.995, 190), 4)


def _best_recall(grid: np.ndarray, pos: np.ndarray, neg: np.ndarray, ceiling: float) -> float:
    """The most recall any grid threshold reaches with ``neg`` at or under ``ceiling``."""
    return max((_share(pos, t) for t in grid if _share(neg, t) <= ceiling), default=0.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_choose_thresholds_on_random_scores_respect_ceilings_and_are_optimal(seed):
    rng = np.random.default_rng(seed)
    ranks = rng.choice(4, size=400, p=[0.45, 0.2, 0.2, 0.15])
    # Risky texts score higher on average, with heavy overlap, like a real model.
    base = rng.beta(2, 5, size=len(ranks)) + 0.15 * ranks
    scores = np.clip(np.stack([base + 0.1, base, base - 0.1], axis=1), 0, 0.99)
    th, why = train.choose_thresholds(scores, ranks)
    benign = ranks == 0

    assert th.t_low <= th.t_moderate <= th.t_high
    assert _share(scores[benign, 1], th.t_moderate) <= train.MAX_BENIGN_MODERATE
    assert _share(scores[benign, 0], th.t_low) <= train.MAX_BENIGN_LOW
    best_mod = _best_recall(
        GRID, scores[ranks >= 2, 1], scores[benign, 1], train.MAX_BENIGN_MODERATE
    )
    assert _share(scores[ranks >= 2, 1], th.t_moderate) == pytest.approx(best_mod)
    assert why["t_moderate"]["recall_at_moderate"] == pytest.approx(best_mod)
    # t_low is searched at or below t_moderate only, t_high at or above it.
    best_low = _best_recall(
        GRID[np.less_equal(GRID, th.t_moderate)],
        scores[ranks >= 1, 0],
        scores[benign, 0],
        train.MAX_BENIGN_LOW,
    )
    assert _share(scores[ranks >= 1, 0], th.t_low) == pytest.approx(best_low)
    # High: below-high texts at high, and look-alikes at high counted ten times over.
    high_ok = [
        t
        for t in GRID[np.greater_equal(GRID, th.t_moderate)]
        if max(_share(scores[ranks < 3, 2], t), 10 * _share(scores[benign, 2], t))
        <= train.MAX_BELOW_HIGH_AT_HIGH
    ]
    assert high_ok, "the random scores leave no admissible t_high"
    best_high = max(_share(scores[ranks == 3, 2], t) for t in high_ok)
    assert _share(scores[ranks == 3, 2], th.t_high) == pytest.approx(best_high)


def test_choose_long_thresholds_finds_the_separating_post_head():
    short = Thresholds(0.2, 0.4, 0.8, 1.01, 0.2, 0.4, 0.8)
    # RMHD: the windows say nothing (0.5 for every post); the post head separates perfectly.
    r_y = np.array([1] * 20 + [0] * 100)
    r_scores = np.full((len(r_y), 3), 0.5)
    r_post = np.where(r_y == 1, 0.9, 0.2)
    # Corpus long texts: the windows separate, the post head says nothing.
    c_ranks = np.array([0] * 40 + [2] * 10 + [3] * 10)
    c_scores = np.where(c_ranks[:, None] >= 2, 0.8, 0.4) * np.ones((1, 3))
    c_post = np.full(len(c_ranks), 0.1)

    th, why = train.choose_long_thresholds(short, r_scores, r_post, r_y, c_scores, c_post, c_ranks)

    assert 0.5 < th.t_moderate_long <= 0.8
    assert 0.2 < th.t_post <= 0.9
    assert why["long"]["rmhd_recall_at_moderate"] == 1.0
    assert why["long"]["rmhd_false_alarms_at_moderate"] == 0.0
    # Short-text thresholds are left alone.
    assert (th.t_low, th.t_moderate, th.t_high) == (0.2, 0.4, 0.8)
    assert th.t_low_long <= th.t_moderate_long <= th.t_high_long


@pytest.mark.parametrize("seed", [4, 5])
def test_choose_long_thresholds_keep_false_alarms_under_their_ceilings(seed):
    rng = np.random.default_rng(seed)
    r_y = (rng.random(300) < 0.15).astype(int)
    r_base = np.clip(rng.beta(2, 4, size=len(r_y)) + 0.3 * r_y, 0, 0.99)
    r_scores = np.stack([r_base, r_base * 0.9, r_base * 0.6], axis=1)
    r_post = np.clip(rng.beta(2, 4, size=len(r_y)) + 0.35 * r_y, 0, 0.99)
    c_ranks = rng.choice(4, size=120, p=[0.5, 0.15, 0.2, 0.15])
    c_base = np.clip(rng.beta(2, 4, size=len(c_ranks)) + 0.15 * c_ranks, 0, 0.99)
    c_scores = np.stack([c_base, c_base * 0.9, c_base * 0.6], axis=1)
    c_post = np.clip(rng.beta(2, 5, size=len(c_ranks)) + 0.1 * c_ranks, 0, 0.99)
    short = Thresholds(0.3, 0.5, 0.9, 1.01, 0.3, 0.5, 0.9)

    th, why = train.choose_long_thresholds(short, r_scores, r_post, r_y, c_scores, c_post, c_ranks)

    r_flag = (r_scores[:, 1] >= th.t_moderate_long) | (r_post >= th.t_post)
    c_flag = (c_scores[:, 1] >= th.t_moderate_long) | (c_post >= th.t_post)
    assert r_flag[r_y == 0].mean() <= train.MAX_RMHD_FALSE_ALARMS
    assert c_flag[c_ranks == 0].mean() <= train.MAX_BENIGN_MODERATE
    assert why["long"]["rmhd_false_alarms_at_moderate"] == pytest.approx(r_flag[r_y == 0].mean())
    assert why["long"]["rmhd_recall_at_moderate"] == pytest.approx(r_flag[r_y == 1].mean())
    # The post head earns its place: it catches some r/suicidewatch posts.
    assert why["long"]["rmhd_recall_at_moderate"] > 0
    assert th.t_low_long <= th.t_moderate_long <= th.t_high_long


# ----------------------------------------------------------------------------- floors

# Both fire the rules' "ideation" (moderate) and "timing" (high) families, live.
IMMINENT = [
    "i want to kill myself tonight",
    "honestly i want to kill myself tonight",
    "i want to kill myself tonight and nobody can stop me",
    "i want to kill myself tonight, sorry everyone",
    "its over, i want to kill myself tonight",
    "i want to kill myself tonight. goodbye",
    "i really want to kill myself tonight",
    "tired of everything. i want to kill myself tonight",
    "i want to kill myself tonight after everyone is asleep",
]
# "ideation" fires live on these too, but they are hyperbole: labelled none.
HYPERBOLE = [
    "lol i want to kill myself this homework is so bad",
    "i would kill myself for a pizza lol",
    "that level made me want to kill myself lmao",
    "ugh monday, i want to kill myself haha",
    "this traffic makes me want to kill myself lol",
    "i want to kill myself every time my team loses lmao",
    "wifi is down again i want to kill myself lol",
    "if i hear that song again i want to kill myself lol",
    "my sister sang at karaoke and i wanted to kill myself lol",
]


def test_choose_floors_keeps_a_family_that_is_always_right():
    assert len(IMMINENT) >= train.FLOOR_MIN_HITS
    floors = train.choose_floors(IMMINENT, np.full(len(IMMINENT), 3))
    assert floors == {"ideation": 2, "timing": 3}


def test_choose_floors_drops_a_family_that_fires_on_look_alikes():
    texts = IMMINENT + HYPERBOLE
    ranks = np.array([3] * len(IMMINENT) + [0] * len(HYPERBOLE))
    floors = train.choose_floors(texts, ranks)
    # "ideation" was wrong on half its hits; "timing" never fired on the look-alikes.
    assert floors == {"timing": 3}


def test_choose_floors_needs_enough_hits():
    few = IMMINENT[: train.FLOOR_MIN_HITS - 1]
    assert train.choose_floors(few, np.full(len(few), 3)) == {}


# ------------------------------------------------------------------------ window head


def _synthetic_embedded() -> tuple[train.Embedded, np.ndarray, dict[int, int]]:
    """Benign and high texts whose windows sit around two orthogonal directions; the n-gram
    and rule parts are the same for every window, so only the embedding tells them apart.
    Texts 0-39 are one window each; 40-47 are high texts of four windows with one risky
    window (position returned), 48-51 benign four-window texts."""
    rng = np.random.default_rng(7)
    dim = semantic.ENCODER.dim
    basis, _ = np.linalg.qr(rng.normal(size=(dim, 2)))
    ordinary, risky = basis[:, 0], basis[:, 1]

    def window(centre: np.ndarray) -> np.ndarray:
        v = centre + rng.normal(scale=0.6 / np.sqrt(dim), size=dim)
        return v / np.linalg.norm(v)

    rows: list[np.ndarray] = []
    owner: list[int] = []
    ranks: list[int] = []
    risky_window: dict[int, int] = {}
    for i in range(40):
        rank = 3 if i % 2 else 0
        rows.append(window(risky if rank else ordinary))
        owner.append(i)
        ranks.append(rank)
    for i in range(40, 52):
        rank = 3 if i < 48 else 0
        at = int(rng.integers(4)) if rank else -1
        for j in range(4):
            rows.append(window(risky if j == at else ordinary))
            owner.append(i)
        ranks.append(rank)
        if rank:
            risky_window[i] = len(rows) - 4 + at
    emb = np.array(rows, dtype=np.float32)
    parts = ["and then the day went on"] * len(rows)
    n_words = np.full(len(ranks), 6)
    data = train.Embedded(emb, np.array(owner), n_words, parts, train.window_matrix(emb, parts))
    return data, np.array(ranks), risky_window


def test_window_head_separates_two_groups_on_held_out_texts():
    data, ranks, _ = _synthetic_embedded()
    fit = np.array([i for i in range(52) if i % 4 != 0])
    held = np.array([i for i in range(52) if i % 4 == 0])
    w, b = train.fit_window_head(data, fit, ranks, c=8.0)
    scores = train.text_scores(data, held, w, b)

    high, benign = ranks[held] == 3, ranks[held] == 0
    assert high.any() and benign.any()
    for k in range(3):
        assert scores[high, k].min() > scores[benign, k].max()
    assert (scores[high, 2] > 0.5).all()
    assert (scores[benign, 1] < 0.5).all()


def test_multiple_instance_learning_finds_the_risky_window():
    data, ranks, risky_window = _synthetic_embedded()
    w, b = train.fit_window_head(data, np.arange(52), ranks, c=8.0)
    probs = semantic.cumulative(data.feats @ w + b)

    for text, risky_row in risky_window.items():
        rows = np.nonzero(data.owner == text)[0]
        ordinary = [r for r in rows if r != risky_row]
        # The risky window is the one the text is judged by, and the ordinary windows of a
        # high text were not taught to be risky just because they sit in one.
        assert rows[int(np.argmax(probs[rows] @ semantic.RISK_WEIGHTS))] == risky_row
        assert probs[risky_row, 2] > probs[ordinary, 2].max()
        assert probs[risky_row, 2] > 0.5
        assert probs[ordinary, 1].max() < 0.5
    scores = train.text_scores(data, np.array(sorted(risky_window)), w, b)
    assert (scores[:, 2] > 0.5).all()


# ---------------------------------------------------------------------- end to end

# One seed idea per family; each family gets two short texts and one long post.
SEEDS = {
    "high": [
        "i have the pills saved and i'm taking all of them tonight",
        "the rope is in my car and tonight is when i use it",
        "i'm standing on the bridge right now and i'm going to jump",
        "wrote my goodbye letters, it ends this weekend and i've chosen how",
        "just swallowed the whole bottle of my tablets, getting dizzy now",
        "i've set the date for friday and the gun is loaded in my drawer",
        "i'm on the car park roof ledge and i'm letting go in a minute",
    ],
    "moderate": [
        "i keep thinking about killing myself, there's no plan, it just won't stop",
        "most days now i want to die and i think about suicide constantly",
        "i genuinely want to stop being alive and do it myself",
        "every time i'm alone i start working out ways to end my life",
        "i've been having suicidal thoughts again and they're getting louder",
        "part of me really wants to end it all and i can't shake it",
        "i think about taking my own life more than i admit to anyone",
    ],
    "low": [
        "everything feels pointless lately and i'm so tired of trying",
        "i feel like a burden to everyone around me",
        "some days i wish i could just disappear for a while",
        "nothing i do matters and i don't see it getting better",
        "i've been so lonely that i stopped replying to anyone",
        "i can't remember the last time i felt anything but empty",
        "honestly i'm exhausted by life and i don't know what i'm doing",
    ],
    "none": [
        "this maths homework is killing me lol, send help",
        "that exam absolutely murdered me, i'm dead 💀",
        "i could kill for a pizza right now, starving",
        "the bridge on the ring road is closed tonight so leave early",
        "bought new rope for the climbing trip this weekend",
        "my grandad passed away peacefully last year and i still miss his jokes",
        "my phone died again in the middle of the match, rip",
    ],
}
SHORT_VARIANTS = {
    "high": ["{s}", "{s}. nobody can talk me out of it"],
    "moderate": ["{s}", "{s}. i don't know who else to tell"],
    "low": ["{s}", "{s}. anyway sorry for the vent"],
    "none": ["{s}", "{s}. anyway how was everyone's day"],
}
FILLER = (
    "Quick update on my week since a few of you asked. Work was busy and I went to the gym "
    "twice, which felt good. My sister came round on Sunday and we cooked pasta and watched "
    "an old film together. The weather has been grey but the garden still looks nice."
)
# Families per level in each split: five in train+dev, so a fold (four or five families of
# twenty) can never hold every family of one level and each training fold sees all levels.
PER_SPLIT = {"train": 4, "dev": 1, "test": 2}
SUBREDDITS = {
    "suicidewatch": [
        "i don't want to be alive anymore and tonight i'm going to end it",
        "i have a plan and the means, i just wanted to tell someone before",
        "every day i think about killing myself and today it feels closer",
        "i wrote a note last night. i don't see any other way out",
        "i'm so tired of fighting, i want to die and i've stopped caring",
        "been stockpiling my meds, i think this is the week",
    ],
    "depression": [
        "i can't get out of bed and nothing feels good anymore",
        "therapy isn't helping and i feel numb most of the time",
        "i cried in the shower again, everything feels heavy",
        "the antidepressants made me flat and i hate it",
        "i haven't seen friends in months, i just sleep",
        "my motivation is gone and work keeps piling up",
    ],
    "lonely": [
        "moved to a new city and i don't know anyone here",
        "weekends are the worst, nobody texts me",
        "i eat dinner alone every night and it gets to me",
        "does anyone want to chat, i'm bored and alone",
        "all my friends have partners and i feel left out",
        "i miss having someone to talk to after work",
    ],
    "legaladvice": [
        "my landlord won't return my deposit, what can i do",
        "got a parking ticket on private land, do i have to pay",
        "my employer hasn't paid my overtime for three months",
        "neighbour's tree fell on my fence, who pays for it",
        "can my boss read my personal messages on a work laptop",
        "i was charged twice for a gym membership i cancelled",
    ],
    "fitness": [
        "how many rest days should i take between leg sessions",
        "finally hit a 100kg squat after a year of training",
        "is it fine to run every day if i keep it easy",
        "best way to fix rounded shoulders from desk work",
        "my knees hurt after lunges, form tips please",
        "protein shakes or real food after a workout",
    ],
}
RMHD_FILLER = (
    "I have been thinking about how to write this for a while and I am not great with words, "
    "so bear with me. It has been a long few months with a lot going on at home and at work, "
    "and I keep going back and forth about what to do next. Anyway, here it is."
)


def _family_names(level: str) -> dict[str, list[str]]:
    """The first family ids of ``level`` that corpus.split_of places in each split."""
    out: dict[str, list[str]] = {name: [] for name in PER_SPLIT}
    i = 0
    while any(len(out[s]) < n for s, n in PER_SPLIT.items()):
        name = f"T-{level}-{i:03d}"
        split = corpus_mod.split_of(name)
        if len(out[split]) < PER_SPLIT[split]:
            out[split].append(name)
        i += 1
    return out


def _write_corpus(directory: Path) -> list[corpus_mod.Example]:
    directory.mkdir()
    examples: list[corpus_mod.Example] = []
    for level, seeds in SEEDS.items():
        names = [n for split in PER_SPLIT for n in _family_names(level)[split]]
        assert len(names) == len(seeds)
        for family, seed in zip(names, seeds, strict=True):
            texts = [v.format(s=seed) for v in SHORT_VARIANTS[level]]
            texts.append(f"{FILLER} {seed[0].upper()}{seed[1:]}. Thanks for reading.")
            examples += [corpus_mod.Example(t, level, f"{level}_kind", family) for t in texts]
    with (directory / "tiny.jsonl").open("w", encoding="utf-8") as fh:
        for ex in examples:
            record = {"text": ex.text, "level": ex.level, "kind": ex.kind, "family": ex.family}
            fh.write(json.dumps(record) + "\n")
    return examples


def _write_rmhd(path: Path) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=["subreddit", "author", "post"])
        out.writeheader()
        for sub, posts in SUBREDDITS.items():
            for j, post in enumerate(posts):
                # Half the posts are long enough for the post head (>= POST_MIN_WORDS words).
                text = f"{RMHD_FILLER} {post}." if j % 2 else post
                out.writerow({"subreddit": sub, "author": f"u{n}", "post": text})
                n += 1
    return n


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    examples = _write_corpus(root / "corpus")
    rmhd = root / "rmhd_tiny.csv"
    n_posts = _write_rmhd(rmhd)
    log = io.StringIO()
    result = train.train(
        rmhd, None, root / "model", corpus_dir=root / "corpus", cache=root / "cache", stdout=log
    )
    return root, examples, n_posts, result, log.getvalue()


def test_tiny_corpus_covers_every_level_in_every_split_and_training_fold():
    # The preconditions of the end-to-end test, checked so a change to split_of or
    # group_folds fails here with a clear message rather than deep inside scikit-learn.
    splits: dict[str, set[str]] = {}
    fit_families: list[tuple[str, str]] = []
    for level in SEEDS:
        for split, names in _family_names(level).items():
            splits.setdefault(split, set()).add(level)
            if split != "test":
                fit_families += [(n, level) for n in names]
    assert all(levels == set(SEEDS) for levels in splits.values())
    folds = train.group_folds([f for f, _ in fit_families])
    for held in folds:
        rest = {fit_families[i][1] for i in range(len(fit_families)) if i not in set(held)}
        assert rest == set(SEEDS)


def test_long_texts_are_long():
    text = f"{FILLER} {SEEDS['high'][0]}. Thanks for reading."
    assert len(text.split()) >= semantic.POST_MIN_WORDS
    assert len(f"{RMHD_FILLER} {SUBREDDITS['lonely'][0]}.".split()) >= semantic.POST_MIN_WORDS


def test_train_writes_an_artefact_that_loads(trained):
    root, examples, n_posts, result, log = trained
    model = semantic.load(root / "model")
    meta = json.loads((root / "model" / "meta.json").read_text())

    assert meta["encoder"] == semantic.ENCODER.name
    assert set(meta["thresholds"]) == set(Thresholds.__slots__)
    th = Thresholds.from_meta(meta)
    assert 0 < th.t_low <= th.t_moderate <= th.t_high <= 1
    assert 0 < th.t_low_long <= th.t_moderate_long <= th.t_high_long <= 1
    assert 0 < th.t_post <= 1
    splits = corpus_mod.by_split(examples)
    assert meta["training_data"]["corpus_texts"] == len(splits["train"]) + len(splits["dev"])
    assert meta["training_data"]["rmhd_posts"] == n_posts
    assert meta["training_data"]["lexicon"] is False
    # Without a lexicon the named prototypes are the corpus's kinds of risk.
    assert meta["prototype_names"] == ["like:high_kind", "like:low_kind", "like:moderate_kind"]
    assert model.prototypes is not None and model.prototypes.shape == (3, semantic.ENCODER.dim)

    assert {"thresholds", "corpus_test", "rmhd"} <= set(result)
    assert result["thresholds"] == meta["thresholds"]
    assert result["floors"] == meta["floors"]
    assert result["corpus_test"]["n"] == len(splits["test"])
    assert set(result["corpus_test"]["kinds"]) == {f"{lv}_kind" for lv in SEEDS}
    assert result["rmhd"]["n"] == n_posts
    assert result["rmhd"]["positives"] == len(SUBREDDITS["suicidewatch"])
    assert f"wrote {root / 'model'}" in log

    # The loaded model scores text with the real encoder.
    score = model.score("i have the pills saved and i'm taking all of them tonight")
    assert 0 <= score.p_high <= score.p_moderate <= score.p_low <= 1
    assert score.n_windows == 1


def test_train_twice_with_the_same_cache_gives_the_same_artefact(trained):
    root, _, _, result, _ = trained
    # The corpus's and RMHD's windows were cached by the first run, in the encoder's one store.
    assert len(list((root / "cache").glob("*.npz"))) == 1
    again = train.train(
        root / "rmhd_tiny.csv",
        None,
        root / "model2",
        corpus_dir=root / "corpus",
        cache=root / "cache",
        stdout=io.StringIO(),
    )
    first = (root / "model" / "semantic.npz").read_bytes()
    assert (root / "model2" / "semantic.npz").read_bytes() == first
    assert (root / "model2" / "meta.json").read_bytes() == (
        root / "model" / "meta.json"
    ).read_bytes()
    assert again["thresholds"] == result["thresholds"]


def test_embeddings_are_cached_per_encoder(tmp_path):
    texts = ["the pills are on the table", "see you at practice"]
    l3 = train.embed_texts(texts, tmp_path, semantic.ENCODER)
    l6 = train.embed_texts(texts, tmp_path, semantic.SHORT_ENCODER)
    assert len(list(tmp_path.glob("*.npz"))) == 2
    assert not np.allclose(l3.emb, l6.emb)
    again = train.embed_texts(texts, tmp_path, semantic.SHORT_ENCODER)
    assert np.array_equal(again.emb, l6.emb)


def test_a_grown_corpus_embeds_only_its_new_windows(tmp_path, monkeypatch):
    texts = ["the pills are on the table", "see you at practice"]
    first = train.embed_texts(texts, tmp_path, semantic.SHORT_ENCODER)
    encoder = train.get_encoder(semantic.SHORT_ENCODER)
    seen: list[list[str]] = []
    real = type(encoder).encode

    def counting(self, parts):
        seen.append(list(parts))
        return real(self, parts)

    monkeypatch.setattr(type(encoder), "encode", counting)
    grown = train.embed_texts([*texts, "going for a run later"], tmp_path, semantic.SHORT_ENCODER)
    assert seen == [["going for a run later"]]
    assert np.array_equal(grown.emb[:2], first.emb)


@pytest.mark.parametrize(("choice", "spec"), [("l3", "ENCODER"), ("l6", "SHORT_ENCODER")])
def test_train_screen_passes_the_chosen_encoder(tmp_path, monkeypatch, choice, spec):
    from django.core.management import call_command

    seen = {}
    monkeypatch.setattr(train, "train", lambda *args, **kwargs: seen.update(kwargs))
    rmhd = tmp_path / "rmhd.csv"
    rmhd.write_text("post,subreddit\n")
    call_command("train_screen", "--rmhd", str(rmhd), "--encoder", choice)
    assert seen["encoder"] == getattr(semantic, spec)
