"""Benchmark of the matching engine: prints figures, asserts nothing.

    .venv/bin/python bench/matching.py                       # 1k x 500 .. 20k x 10k, both cohorts
    .venv/bin/python bench/matching.py --sizes 10000x5000 --cohorts bench,skewed --seed 2 --k 50

Each size and cohort runs in a fresh child process so peak memory (ru_maxrss: the whole
process, with the generated cohort and the interpreter) belongs to that run alone. Cohorts:
"bench" is synthetic.cohort (goals spread over the catalogue), "skewed" is
synthetic.skewed_cohort (Zipf goal demand: a few skills wanted by many).

Per run: total_s = solve() end to end wall time and cpu_s its CPU time (both cores count);
build_s = prepare + scoring + candidate graph, solve_s = min-cost flows and dual prices,
certify_s = pricing the pruned pairs, explain_s = explanations and unmatched reasons;
rounds / pairs_added / rows_priced = the certificate's column generation; proven = the
certificate holds. gap_dense is the exact optimum over every pair (scipy linear_sum_assignment
over capacity-expanded columns) minus solve()'s objective, in scaled units, where that fits
(<= --dense-max mentees): it must be 0. gap_greedy is how much better the optimum is than
taking best pairs first. --stable adds stable mode's time and gap and the optimum's blocking pairs.
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


def run_one(n: int, m: int, cohort_name: str, seed: int, k: int, dense_max: int, min_score: float,
            penalty: float, stable: bool) -> str:
    from matching.engine import Settings, blocking_pairs, solve, solve_dense, solve_greedy, solve_stable
    from matching.engine.synthetic import cohort, skewed_cohort

    t = time.perf_counter()
    problem = (skewed_cohort if cohort_name == "skewed" else cohort)(n, m, seed=seed)
    gen_s = time.perf_counter() - t
    settings = Settings(k=k, min_score=min_score, unmatched_penalty=penalty)
    t, c = time.perf_counter(), time.process_time()
    result = solve(problem, settings)
    total_s, cpu_s = time.perf_counter() - t, time.process_time() - c
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    st, cert, opt = result.stats, result.certificate, result.objective
    out = (f"cohort={cohort_name} mentees={n} mentors={m} k={k} gen_s={gen_s:.2f} total_s={total_s:.2f} "
           f"cpu_s={cpu_s:.2f} build_s={st['build_s']:.2f} solve_s={st['solve_s']:.2f} "
           f"certify_s={st['certify_s']:.2f} explain_s={st['explain_s']:.2f} peak_mb={peak_mb:.0f} "
           f"rounds={cert.rounds} pairs_added={cert.pairs_added} rows_priced={int(st['rows_priced'])} "
           f"proven={cert.proven} candidates={int(st['candidates'])} score={result.total_score:.1f} "
           f"matched={len(result.pairs)} unmatched={len(result.unmatched)}")
    if n <= dense_max:
        t = time.perf_counter()
        dense = solve_dense(problem, settings).objective
        out += f" gap_dense={dense - opt} (dense {time.perf_counter() - t:.1f}s)"
    else:
        out += " gap_dense=n/a"
    greedy = solve_greedy(problem, settings).objective
    out += f" gap_greedy={100 * (opt - greedy) / opt:.2f}%" if opt else " gap_greedy=n/a"
    if stable:
        t = time.perf_counter()
        st_res = solve_stable(problem, settings)
        out += (f" stable_s={time.perf_counter() - t:.2f} gap_stable={100 * (opt - st_res.objective) / opt:.2f}%"
                f" blocking_in_optimal={len(blocking_pairs(problem, result))}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated MENTEESxMENTORS")
    ap.add_argument("--cohorts", default="bench,skewed", help="comma-separated: bench, skewed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--k", type=int, default=50, help="candidate mentors per mentee")
    ap.add_argument("--dense-max", type=int, default=5000, help="largest cohort to solve densely too")
    ap.add_argument("--min-score", type=float, default=0.0)
    ap.add_argument("--penalty", type=float, default=0.0, help="unmatched-mentee penalty (points)")
    ap.add_argument("--stable", action="store_true", help="also time stable mode")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes.split(",") if s]
    if args.one:
        (n, m), = sizes
        print(run_one(n, m, args.cohorts, args.seed, args.k, args.dense_max, args.min_score, args.penalty,
                      args.stable), flush=True)
        return
    for n, m in sizes:
        for name in [c for c in args.cohorts.split(",") if c]:
            cmd = [sys.executable, __file__, "--one", "--sizes", f"{n}x{m}", "--cohorts", name,
                   "--seed", str(args.seed), "--k", str(args.k), "--dense-max", str(args.dense_max),
                   "--min-score", str(args.min_score), "--penalty", str(args.penalty)]
            out = subprocess.run(cmd + (["--stable"] if args.stable else []), capture_output=True, text=True)
            print(out.stdout.strip() or f"cohort={name} mentees={n} mentors={m} failed: {out.stderr.strip()[-300:]}",
                  flush=True)


if __name__ == "__main__":
    main()
