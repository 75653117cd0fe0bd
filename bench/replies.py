"""Reply-reading benchmark: `python -m bench.replies` (from the project root, in .venv).

Prints the machine, then:
- what the reader costs: building the protocol's vocabulary, the first reply (it loads
  the real-word list), and `parse_reply` on every reply of the corpus, repeated, in this
  process (median, p90, p99, max per reply); `parse_reply` plus `triage` the same way;
- the process's RSS before and after (the worker carries the same vocabulary);
- the corpus figures `reminders eval-replies` prints (recall and precision per category);
- the whole worker (`worker.py`: scheduler and web app, SQLite, 1,000 enrolled patients):
  seconds from starting the process to /healthz answering, and its RSS after reading
  every corpus reply once through the signed webhook (`--no-worker` skips this).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.common import ROOT, hip_protocol, machine
from reminders.core.reading.parser import parse_reply
from reminders.core.reply_eval import evaluate, format_report, question_for, read_corpus
from reminders.core.triage import triage

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
    parser.add_argument("--no-worker", dest="worker", action="store_false",
                        help="skip the whole-worker start-up and RSS figures")
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
    if args.worker:
        worker_figures([row.body for row in rows])


def worker_figures(bodies: list[str]) -> None:
    """Start-up and RSS of the whole worker, after it has read every corpus reply."""
    from datetime import UTC, datetime, timedelta

    from bench.common import Database, seed
    from bench.common import rss_mib as process_rss
    from bench.inbound import load, open_relief_checks, start_web
    from tests.integration.processes import free_port

    db = Database("sqlite")
    now = datetime.now(UTC)
    try:
        seed(db, enrolments=1_000, due=0, now=now - timedelta(days=3))
        open_relief_checks(db, now)
        port = free_port()
        started = time.perf_counter()
        proc = start_web(db.url, port, Path(db.url.split("///")[-1]).parent / "worker.log",
                         web_only=False)
        startup = time.perf_counter() - started
        try:
            base = f"http://127.0.0.1:{port}"
            batch = _signed(base, bodies)
            seconds, latencies, statuses = load(port, batch, 1)
            print(f"\nworker.py (scheduler + web, SQLite, 1,000 patients): start-up to /healthz "
                  f"{startup:.2f} s; RSS {process_rss(proc.pid):.0f} MiB after reading the "
                  f"{len(batch)} corpus replies through the webhook ({len(batch) / seconds:.0f} "
                  f"replies/s, p50 {statistics.median(latencies):.1f} ms, statuses {statuses})")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        db.close()


def _signed(base: str, bodies: list[str]) -> list[tuple[bytes, str]]:
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    from bench.inbound import TOKEN
    validator = RequestValidator(TOKEN)
    out = []
    for n, body in enumerate(bodies):
        params = {"MessageSid": f"SMcorpus{n:010d}", "AccountSid": "ACbench",
                  "From": f"+1555{n % 1000 + 1:07d}", "To": "+13125550100", "Body": body,
                  "NumMedia": "0"}
        out.append((urlencode(params).encode(),
                    validator.compute_signature(f"{base}/twilio/inbound", params)))
    return out


if __name__ == "__main__":
    main()
