"""Benchmark of the matching engine: prints figures, asserts nothing.

    .venv/bin/python bench/matching.py                       # 1k x 500 .. 20k x 10k
    .venv/bin/python bench/matching.py --sizes 10000x5000 --seed 2 --k 50

Each size runs in a fresh child process so peak memory (ru_maxrss: the whole process, with the
generated cohort and the interpreter) belongs to that size alone. Timings cover solve() end to
end: build_s = prepare + scoring + candidate graph, solve_s = min-cost flow, explain_s =
explanations and unmatched reasons. gap_dense compares with the exact optimum over every pair
(scipy linear_sum_assignment over capacity-expanded columns) where that fits (<= --dense-max
mentees); gap_greedy is how much better the optimum is than taking best pairs first; stable_s and
gap_stable are the same for stable mode (deferred acceptance), and blocking_in_optimal counts the
optimal result's blocking pairs.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

# this file is called matching.py: keep bench/ off sys.path so `matching` is the app package
sys.path[0] = str(Path(__file__).resolve().parent.parent)

DEFAULT_SIZES = "1000x500,5000x2500,10000x5000,20000x10000"


def run_one(n: int, m: int, seed: int, k: int, dense_max: int, min_score: float, penalty: float) -> str:
    from matching.engine import Settings, blocking_pairs, solve, solve_dense, solve_greedy, solve_stable
    from matching.engine.synthetic import cohort

    t = time.perf_counter()
    problem = cohort(n, m, seed=seed)
    gen_s = time.perf_counter() - t
    settings = Settings(k=k, min_score=min_score, unmatched_penalty=penalty)
    t = time.perf_counter()
    result = solve(problem, settings)
    total_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    st = result.stats
    opt = result.objective
    greedy = solve_greedy(problem, settings).objective
    gap_greedy = f"{100 * (opt - greedy) / opt:.2f}%" if opt else "n/a"
    t = time.perf_counter()
    stable = solve_stable(problem, settings)
    stable_s = time.perf_counter() - t
    gap_stable = f"{100 * (opt - stable.objective) / opt:.2f}%" if opt else "n/a"
    blocking = len(blocking_pairs(problem, result))
    if n <= dense_max:
        t = time.perf_counter()
        dense = solve_dense(problem, settings).objective
        dense_s = time.perf_counter() - t
        gap_dense = f"{100 * (dense - opt) / dense:.4f}% (dense {dense_s:.1f}s)" if dense else "n/a"
    else:
        gap_dense = "n/a"
    return (f"mentees={n} mentors={m} k={k} gen_s={gen_s:.2f} build_s={st['build_s']:.2f} "
            f"solve_s={st['solve_s']:.2f} explain_s={st['explain_s']:.2f} total_s={total_s:.2f} "
            f"peak_mb={peak_mb:.0f} candidates={int(st['candidates'])} score={result.total_score:.1f} "
            f"matched={len(result.pairs)} unmatched={len(result.unmatched)} gap_dense={gap_dense} "
            f"gap_greedy={gap_greedy} stable_s={stable_s:.2f} gap_stable={gap_stable} "
            f"blocking_in_optimal={blocking}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated MENTEESxMENTORS")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--k", type=int, default=50, help="candidate mentors per mentee")
    ap.add_argument("--dense-max", type=int, default=5000, help="largest cohort to solve densely too")
    ap.add_argument("--min-score", type=float, default=0.0)
    ap.add_argument("--penalty", type=float, default=0.0, help="unmatched-mentee penalty (points)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes.split(",") if s]
    if args.one:
        (n, m), = sizes
        print(run_one(n, m, args.seed, args.k, args.dense_max, args.min_score, args.penalty), flush=True)
        return
    for n, m in sizes:
        cmd = [sys.executable, __file__, "--one", "--sizes", f"{n}x{m}", "--seed", str(args.seed),
               "--k", str(args.k), "--dense-max", str(args.dense_max), "--min-score", str(args.min_score),
               "--penalty", str(args.penalty)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        print(out.stdout.strip() or f"mentees={n} mentors={m} failed: {out.stderr.strip()[-300:]}", flush=True)


if __name__ == "__main__":
    main()
