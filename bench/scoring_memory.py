"""Scoring memory at scale: prepare + the candidate pass over every pair, with a wide skill catalogue.

    .venv/bin/python bench/scoring_memory.py [mentees] [mentors] [skills]

Prints the time, the peak resident memory of the process and the size of the sparse skill
matrices. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.engine import Settings  # noqa: E402
from matching.engine.scoring import pair_scores, prepare  # noqa: E402
from matching.engine.solve import candidates  # noqa: E402
from matching.engine.synthetic import cohort  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    n, nm, skills = (int(x) for x in (sys.argv[1:] + ["50000", "25000", "3000"][len(sys.argv) - 1:])[:3])
    t0 = time.perf_counter()
    problem = cohort(n, nm, seed=1, n_skills=skills)
    t1 = time.perf_counter()
    base = peak_mb()
    p = prepare(problem, Settings())
    t2 = time.perf_counter()
    c = candidates(p)
    t3 = time.perf_counter()
    sample = pair_scores(p, c.e[:1_000_000], c.m[:1_000_000])
    t4 = time.perf_counter()
    sparse_mb = sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in (p.G, p.F, p.X, p.W)) / 2**20
    print(f"{n} x {nm}, {skills} skills: cohort {t1 - t0:.1f}s, prepare {t2 - t1:.1f}s, "
          f"candidates (every pair scored) {t3 - t2:.1f}s, pair_scores of {sample.size} pairs {t4 - t3:.2f}s")
    print(f"combos x mentors {p.F.shape[0]} x {p.F.shape[1]} stored sparse: {p.F.nnz} cells, "
          f"G+F+X+W {sparse_mb:.1f} MB (dense F would be {p.F.shape[0] * p.F.shape[1] * 8 / 2**30:.1f} GB)")
    print(f"peak RSS {peak_mb():.0f} MB (after building the cohort objects: {base:.0f} MB); "
          f"candidates {c.e.size}")


if __name__ == "__main__":
    main()
