#!/usr/bin/python3
"""peer_propensity.py — tailor's propensity model against scikit-learn on
exactly the same train/test rows.

    bench/peer_propensity.py TAILOR_BIN CSV [--seeds 1,2,3,4,5] [--fast]

For the file-order split and for the stratified random split with each seed,
runs `tailor train --split-out FILE` (which writes the test rows it used;
its time is the whole process: read, train, score),
then fits scikit-learn on the complement of those rows and scores the same
test rows:

  logreg  LogisticRegression(max_iter=5000) on standardised numerics and
          one-hot categoricals
  gbc     GradientBoostingClassifier() (defaults)
  hgb     HistGradientBoostingClassifier() (defaults) with the categoricals
          declared as categorical_features

`duration` is dropped (it leaks the outcome: it is known only after the
call). Prints, per split, tailor's ensemble test AUC, each peer's, the best
peer, the difference and the ratio, then the mean over the random seeds.
Exits 3 when scikit-learn is not installed.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError:  # scikit-learn < 1.0
        from sklearn.experimental import enable_hist_gradient_boosting  # noqa: F401
        from sklearn.ensemble import HistGradientBoostingClassifier
    import sklearn
except ImportError as e:
    print(f"peer_propensity: scikit-learn not available ({e}); "
          "install it with tools/install-deps.sh --bench (python3-sklearn)")
    sys.exit(3)

TARGET, POSITIVE, DROP = "y", "yes", "duration"


def read_table(path):
    """The CSV as a header and rows of strings; ';' or ',' from the header."""
    with open(path, newline="") as f:
        head = f.readline()
        sep = ";" if head.count(";") > head.count(",") else ","
        f.seek(0)
        rows = list(csv.reader(f, delimiter=sep))
    return rows[0], [r for r in rows[1:] if r]


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def features(header, rows):
    """Numeric matrix, categorical string matrix, labels."""
    ti = header.index(TARGET)
    cols = [j for j, h in enumerate(header) if h not in (TARGET, DROP)]
    num, cat = [], []
    for j in cols:
        (num if all(is_number(r[j]) for r in rows) else cat).append(j)
    Xn = np.array([[float(r[j]) for j in num] for r in rows])
    Xc = np.array([[r[j] for j in cat] for r in rows], dtype=object)
    y = np.array([1 if r[ti] == POSITIVE else 0 for r in rows])
    return Xn, Xc, y, [header[j] for j in num], [header[j] for j in cat]


def run_tailor(tailor, csv_path, split, seed, split_file, fast):
    args = [tailor, "train", "--csv", csv_path, "--target", TARGET, "--positive", POSITIVE,
            "--drop", DROP, "--split", split, "--seed", str(seed), "--split-out", split_file]
    if fast:
        args.append("--fast")
    t0 = time.monotonic()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    secs = time.monotonic() - t0
    m = re.search(r"^test\s+ROC AUC ([0-9.]+)", out, re.M)
    if not m:
        raise SystemExit(f"peer_propensity: no test AUC in tailor's output:\n{out}")
    return float(m.group(1)), secs


def peers(Xn, Xc, y, tr, te, fast):
    """Test AUC and fit seconds of each scikit-learn model."""
    nn, nc = Xn.shape[1], Xc.shape[1]
    Xmix = np.concatenate([Xn.astype(object), Xc], axis=1)
    num_idx, cat_idx = list(range(nn)), list(range(nn, nn + nc))
    res = {}

    t0 = time.monotonic()
    lr = make_pipeline(
        ColumnTransformer([("num", StandardScaler(), num_idx),
                           ("cat", OneHotEncoder(handle_unknown="ignore"), cat_idx)]),
        LogisticRegression(max_iter=5000))
    lr.fit(Xmix[tr], y[tr])
    res["logreg"] = (roc_auc_score(y[te], lr.predict_proba(Xmix[te])[:, 1]),
                     time.monotonic() - t0)

    # Trees: categoricals as integer codes (fitted on the training rows;
    # unseen levels become -1, which HGB treats as missing).
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    enc.fit(Xc[tr])
    codes = enc.transform(Xc).astype(float)
    Xg = np.concatenate([Xn, codes], axis=1)  # GBC: unseen levels stay -1
    codes[codes == -1] = np.nan
    Xo = np.concatenate([Xn, codes], axis=1)  # HGB: unseen levels missing

    if not fast:
        t0 = time.monotonic()
        gbc = GradientBoostingClassifier(random_state=0).fit(Xg[tr], y[tr])
        res["gbc"] = (roc_auc_score(y[te], gbc.predict_proba(Xg[te])[:, 1]),
                      time.monotonic() - t0)

    t0 = time.monotonic()
    is_cat = np.array([False] * nn + [True] * nc)
    hgb = HistGradientBoostingClassifier(categorical_features=is_cat, random_state=0)
    hgb.fit(Xo[tr], y[tr])
    res["hgb"] = (roc_auc_score(y[te], hgb.predict_proba(Xo[te])[:, 1]),
                  time.monotonic() - t0)
    return res


def main():
    argv = sys.argv[1:]
    fast = "--fast" in argv
    argv = [a for a in argv if a != "--fast"]
    seeds = [1, 2, 3, 4, 5]
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds = [int(s) for s in argv[i + 1].split(",")]
        del argv[i:i + 2]
    if len(argv) != 2:
        raise SystemExit(__doc__)
    tailor, csv_path = argv
    header, rows = read_table(csv_path)
    Xn, Xc, y, _, cat_names = features(header, rows)
    n = len(y)
    print(f"scikit-learn {sklearn.__version__}; {n} rows, {Xn.shape[1]} numeric, "
          f"{Xc.shape[1]} categorical ({', '.join(cat_names)}); {DROP} dropped")
    print("| split | seed | test pos rate | tailor ensemble | sklearn logreg | sklearn gbc | "
          "sklearn hgb | best sklearn | tailor - best | tailor / best | train s tailor / best |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    plan = [("file-order", 1)] + [("random", s) for s in seeds]
    diffs, tails, bests = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        split_file = os.path.join(tmp, "test-rows.txt")
        for split, seed in plan:
            auc_t, secs_t = run_tailor(tailor, csv_path, split, seed, split_file, fast)
            te = np.loadtxt(split_file, dtype=np.int64, ndmin=1)
            if len(np.unique(te)) != len(te) or te.min() < 0 or te.max() >= n:
                raise SystemExit("peer_propensity: tailor's split file is not a set of rows")
            mask = np.ones(n, dtype=bool)
            mask[te] = False
            tr = np.flatnonzero(mask)
            res = peers(Xn, Xc, y, tr, te, fast)
            best = max(res, key=lambda k: res[k][0])
            auc_b, secs_b = res[best]
            cell = lambda k: f"{res[k][0]:.4f}" if k in res else "-"
            print(f"| {split} | {seed if split == 'random' else '-'} | {y[te].mean():.3f} | "
                  f"{auc_t:.4f} | {cell('logreg')} | {cell('gbc')} | {cell('hgb')} | "
                  f"{auc_b:.4f} ({best}) | {auc_t - auc_b:+.4f} | {auc_t / auc_b:.4f} | "
                  f"{secs_t:.1f} / {secs_b:.1f} |", flush=True)
            if split == "random":
                diffs.append(auc_t - auc_b)
                tails.append(auc_t)
                bests.append(auc_b)
    if diffs:
        print(f"| random, mean of {len(diffs)} seeds | - | - | {np.mean(tails):.4f} | | | | "
              f"{np.mean(bests):.4f} | {np.mean(diffs):+.4f} (sd {np.std(diffs, ddof=1) if len(diffs) > 1 else 0:.4f}) | "
              f"{np.mean(tails) / np.mean(bests):.4f} | |")


if __name__ == "__main__":
    main()
