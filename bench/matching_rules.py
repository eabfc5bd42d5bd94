"""What the grade rule costs the engine: prints figures, asserts nothing.

    .venv/bin/python bench/matching_rules.py [--sizes 10000x5000] [--seed 1]

The synthetic cohort (matching.engine.synthetic) with a random GS grade (5-15) for everyone
(locked mentors at GS-15, so the cohort's locks stay allowed), solved with the cycle's "mentor at
or above the mentee's grade" option off and on: time, matched mentees, and pairs that break the
rule (must print 0 when it is on).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from matching import engine  # noqa: E402
from matching.engine.synthetic import cohort  # noqa: E402
from programs import rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000x5000")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for size in args.sizes.split(","):
        n, m = (int(x) for x in size.split("x"))
        problem = cohort(n, m, seed=args.seed)
        rng = random.Random(args.seed)
        people = sorted({x.id for x in problem.mentees} | {x.id for x in problem.mentors})
        grades = {pid: f"GS-{rng.randint(5, 15)}" for pid in people}
        for mentor_id, _ in problem.locks:
            grades[mentor_id] = "GS-15"
        problem = replace(problem, grades=grades)
        for on in (False, True):
            t0 = time.perf_counter()
            result = engine.solve(problem, engine.Settings(mentor_grade_at_or_above=on))
            seconds = time.perf_counter() - t0
            below = sum(
                rules.grade_below(rules.grade_rank(grades[p.mentor_id]), rules.grade_rank(grades[p.mentee_id]))
                for p in result.pairs
            )
            print(f"{n}x{m} grade rule {'on ' if on else 'off'}: {seconds:6.2f} s, "
                  f"matched {len(result.pairs)}, pairs below the mentee's grade {below}")


if __name__ == "__main__":
    main()
