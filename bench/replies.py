"""Reply-reading benchmark: `python -m bench.replies` (from the project root, in .venv).

Prints the machine, then:
- what the reader costs: building the protocol's vocabulary, the first reply (it loads
  the real-word list), and `parse_reply` on every reply of the corpus, repeated, in this
  process (median, p90, p99, max per reply); `parse_reply` plus `triage` the same way;
- the process's RSS before and after (the worker carries the same vocabulary);
- the corpus figures `reminders eval-replies` prints (recall and precision per category).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.common import ROOT, hip_protocol, machine
from reminders.core.reading.parser import parse_reply
from reminders.reply_eval import evaluate, format_report, question_for, read_corpus
from reminders.triage import triage

CORPUS = ROOT / "tests" / "data" / "replies.tsv"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (f"median {statistics.median(ordered) * 1000:.3f} ms, p90 {at(0.90):.3f} ms, "
            f"p99 {at(0.99):.3f} ms, max {ordered[-1] * 1000:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus")
    args = parser.parse_args()
    print(machine())
    before = rss_mib()
    rows = read_corpus(CORPUS.read_text(encoding="utf-8"))
    started = time.perf_counter()
    hip = hip_protocol()
    vocabulary = hip.vocabulary
    built = time.perf_counter() - started
    started = time.perf_counter()
    parse_reply("my hip is sweling", vocabulary)  # a typo: loads the real-word list
    first = time.perf_counter() - started
    print(f"\n{len(rows)} replies ({sum(r.language == 'es' for r in rows)} Spanish-enrolled), "
          f"{args.rounds} rounds")
    print(f"protocol loaded and vocabulary built: {built * 1000:.0f} ms; first reply (loads the "
          f"real-word list): {first * 1000:.0f} ms")

    parse_times, triage_times = [], []
    for _ in range(args.rounds):
        for row in rows:
            t0 = time.perf_counter()
            reading = parse_reply(row.body, vocabulary)
            t1 = time.perf_counter()
            triage(reading, question_for(hip, row.step), hip.improvement, row.baseline,
                   vocabulary.symptoms)
            t2 = time.perf_counter()
            parse_times.append(t1 - t0)
            triage_times.append(t2 - t0)
    print(f"parse_reply:          {percentiles(parse_times)}")
    print(f"parse_reply + triage: {percentiles(triage_times)}")
    long = [t for t, row in zip(parse_times, rows * args.rounds, strict=True) if len(row.body) > 200]
    if long:
        print(f"parse_reply, replies over 200 characters ({len(long) // args.rounds}): "
              f"{percentiles(long)}")
    print(f"RSS: {before:.0f} MiB before, {rss_mib():.0f} MiB after (vocabulary, real-word "
          "list and caches)")
    print()
    print(format_report(evaluate(hip, rows), vocabulary.labels).split("\n\nmisses")[0])


if __name__ == "__main__":
    main()
