"""Assertion engines compared on the reply corpus: `python -m bench.context_compare` (project root).

Our parser finds the symptom mentions in every corpus row that requires or forbids red_flag;
each engine then judges the SAME spans (present, negated, resolved, hypothetical, someone
else's), so only the assertion step differs:
  ours         the parser's own assertion (reminders/core/reading/context.py)
  medspacy     spacy.blank(row language) + sentencizer + medspaCy ConText, default rules
               (English on both languages: medspaCy's Spanish rule file is empty)
  negspacy     spacy.blank(row language) + sentencizer + negspaCy Negex, default en_clinical
  negspacy+es  the same, with negspaCy's es_clinical termset on Spanish rows
A row raises a red flag when any red-flag concept's mention is affirmed (present or possible).

Printed: red-flag recall and precision, overall and per language; the denied mentions (red-flag
mentions in rows that forbid the flag, by our parser's label) that each engine kept from
raising; and, from a fresh subprocess per engine (3 runs, median): import + build time, RSS
(VmRSS) at start, after building and after the corpus, and per-reply time (median, p99). Our
build includes loading the protocol's vocabulary and one misspelt reply (the first typo loads
the spell-check word lists); our per-reply time is the whole parse_reply (numbers, requests
and symptom matching too), the others' is tokenising + sentence split + assertion only.
Caution: the corpus is the parser's test suite (every row must hold), so ours is scored on
data it was fitted to, and every engine sees only the mentions our matcher found.

The two libraries are optional and not project dependencies. In a separate virtualenv:
    python3 -m venv /tmp/ctxeval && /tmp/ctxeval/bin/pip install -e . medspacy negspacy
    /tmp/ctxeval/bin/python -m bench.context_compare [--examples 5]
No spaCy model is downloaded: spacy.blank needs none.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata, util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("ours", "medspacy", "negspacy", "negspacy+es")
AFFIRMED = ("present", "possible")
RUNS = 3
MISSING = "medspacy/negspacy not installed: pip install medspacy negspacy"


def rss_mib() -> float:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def hip_protocol():
    import yaml

    from reminders.core.protocol_loader import load_protocols
    from reminders.settings import Settings
    data = yaml.safe_load((ROOT / "schedules.yaml").read_text(encoding="utf-8"))
    return load_protocols(data, Settings().placeholders).get("hip-joint-injection")


def corpus_items(corpus: Path) -> list[dict]:
    """Rows that require or forbid red_flag, with our parser's symptom spans."""
    from reminders.core.reading.parser import parse_reply
    from reminders.core.reply_eval import read_corpus
    hip = hip_protocol()
    items = []
    for row in read_corpus(corpus.read_text(encoding="utf-8")):
        if "red_flag" in row.required | row.forbidden:
            spans = [[f.value, f.start, f.end, f.assertion.value,
                      hip.vocabulary.symptoms[f.value].flag == "red_flag"]
                     for f in parse_reply(row.body, hip.vocabulary).findings if f.what.value == "symptom"]
            items.append({"line": row.line, "lang": row.language, "body": row.body,
                          "required": "red_flag" in row.required, "spans": spans})
    return items


def raises(item: dict, said: list[str]) -> bool:
    return any(a in AFFIRMED for a, span in zip(said, item["spans"], strict=True) if span[4])


def spacy_judge(nlps: dict, label_of):
    """Our spans become doc.ents (char_span, alignment 'expand'); run the pipeline, read labels."""
    from spacy.util import filter_spans

    def judge(item: dict) -> list[str]:
        nlp = nlps[item["lang"]]
        doc = nlp.make_doc(item["body"])
        spans = [doc.char_span(s, e, label=c, alignment_mode="expand") for c, s, e, *_ in item["spans"]]
        doc.ents = filter_spans([s for s in spans if s is not None])  # overlaps: the longest is judged
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return [next((label_of(ent) for ent in doc.ents if s is not None and ent.start <= s.start
                      and s.end <= ent.end), "present") for s in spans]
    return judge


def build(engine: str):
    """The engine's imports and pipelines: (judge(item) -> assertions, notes)."""
    if engine == "ours":
        from reminders.core.reading.parser import parse_reply
        vocabulary = hip_protocol().vocabulary
        parse_reply("hip is swolen", vocabulary)

        def judge(item: dict) -> list[str]:
            found = {(f.value, f.start, f.end): f.assertion.value
                     for f in parse_reply(item["body"], vocabulary).findings}
            return [found[(c, s, e)] for c, s, e, *_ in item["spans"]]
        return judge, []
    import spacy
    nlps = {lang: spacy.blank(lang) for lang in ("en", "es")}
    for nlp in nlps.values():
        nlp.add_pipe("sentencizer")  # both components need sentence boundaries
    if engine == "medspacy":
        import medspacy.context  # registers the medspacy_context factory
        rules = {lang: len(nlp.add_pipe("medspacy_context").rules) for lang, nlp in nlps.items()}
        spanish = len(medspacy.context.ConText(spacy.blank("es"), language_code="es").rules)

        def label(ent) -> str:
            x = ent._
            return ("other_person" if x.is_family else "hypothetical" if x.is_hypothetical
                    else "negated" if x.is_negated else "resolved" if x.is_historical
                    else "possible" if x.is_uncertain else "present")
        return spacy_judge(nlps, label), [f"medspacy: {rules['en']} default (English) rules on both "
                                          f"languages; language_code='es' loads {spanish} rules"]
    import negspacy.negation  # noqa: F401  (registers the negex factory)
    from negspacy.termsets import termset
    sets = {"en": "en_clinical", "es": "es_clinical" if engine == "negspacy+es" else "en_clinical"}
    for lang, nlp in nlps.items():
        nlp.add_pipe("negex", config={"neg_termset": termset(sets[lang]).get_patterns()})
    return spacy_judge(nlps, lambda ent: "negated" if ent._.negex else "present"), [
        f"{engine}: termsets en={sets['en']}, es={sets['es']} (negation only)"]


def worker(engine: str) -> None:
    items = json.load(sys.stdin)
    start_rss = rss_mib()
    t0 = time.perf_counter()
    judge, notes = build(engine)
    built, built_rss = time.perf_counter() - t0, rss_mib()
    out, times = [], []
    for item in items:
        t = time.perf_counter_ns()
        out.append(judge(item))
        times.append((time.perf_counter_ns() - t) / 1000)
    times.sort()
    json.dump({"assertions": out, "notes": notes, "build_s": built, "rss": [start_rss, built_rss, rss_mib()],
               "p50_us": statistics.median(times), "p99_us": times[int(len(times) * 0.99)]}, sys.stdout)


def measure(engine: str, items: list[dict]) -> dict:
    command = [sys.executable, "-m", "bench.context_compare", "--worker", engine]
    runs = [json.loads(subprocess.run(command, input=json.dumps(items), capture_output=True, text=True,
                                      check=True, cwd=ROOT).stdout) for _ in range(RUNS)]
    med = {k: statistics.median(r[k] for r in runs) for k in ("build_s", "p50_us", "p99_us")}
    med["rss"] = [statistics.median(r["rss"][i] for r in runs) for i in range(3)]
    return runs[0] | med


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}% ({num}/{den})" if den else "    -"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--examples", type=int, default=0,
                        help="print N wrongly decided rows per engine")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests/data/replies.tsv",
                        help="a labelled corpus (docs/reply-corpus.md); default: the project's")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    cpu = next((x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines()
                if x.startswith("model name")), platform.processor())
    print(f"machine: {cpu}; Python {platform.python_version()}; "
          + ", ".join(f"{d} {metadata.version(d) if util.find_spec(d) else 'not installed'}"
                      for d in ("spacy", "medspacy", "negspacy")))
    engines = list(ENGINES)
    if not (util.find_spec("medspacy") and util.find_spec("negspacy")):
        print(MISSING)
        engines = ["ours"]
    items = corpus_items(args.corpus)
    results = {e: measure(e, items) for e in engines}
    print(f"{len(items)} rows require or forbid red_flag "
          f"({sum(len(i['spans']) for i in items)} symptom mentions found by our parser)\n")
    print(f"{'engine':<12} {'lang':<4} {'red-flag recall':>20} {'precision':>20}")
    for engine, res in results.items():
        for lang in ("all", "en", "es"):
            pairs = [(i["required"], raises(i, s)) for i, s in zip(items, res["assertions"], strict=True)
                     if lang in ("all", i["lang"])]
            hit, alarms = sum(r and f for r, f in pairs), sum(f for _, f in pairs)
            print(f"{engine:<12} {lang:<4} {pct(hit, sum(r for r, _ in pairs)):>20} {pct(hit, alarms):>20}")
    kinds = ("negated", "resolved", "hypothetical", "other_person", "present", "possible")
    print("\ndenied red-flag mentions (rows that forbid red_flag) kept from raising, by our parser's label")
    print(f"{'engine':<12}" + "".join(f"{k:>14}" for k in kinds))
    for engine, res in results.items():
        said = [(span[3], a) for item, row in zip(items, res["assertions"], strict=True)
                if not item["required"] for a, span in zip(row, item["spans"], strict=True) if span[4]]
        print(f"{engine:<12}" + "".join(f"{sum(o == k and a not in AFFIRMED for o, a in said)}/"
                                        f"{sum(o == k for o, _ in said)}".rjust(14) for k in kinds))
    print(f"\n{'engine':<12} {'import+build s':>14} {'RSS start':>10} {'built':>8} {'after run':>10} "
          f"{'reply p50 us':>13} {'p99 us':>9}   (median of {RUNS} fresh processes; RSS in MiB)")
    for engine, r in results.items():
        print(f"{engine:<12} {r['build_s']:>14.3f} {r['rss'][0]:>10.1f} {r['rss'][1]:>8.1f} "
              f"{r['rss'][2]:>10.1f} {r['p50_us']:>13.1f} {r['p99_us']:>9.1f}")
    for note in (n for r in results.values() for n in r["notes"]):
        print("note:", note)
    for engine, res in results.items():
        pairs = zip(items, res["assertions"], strict=True)
        for item, said in [(i, s) for i, s in pairs if raises(i, s) != i["required"]][:args.examples]:
            print(f"{engine} wrong, line {item['line']} ({'required' if item['required'] else 'forbidden'}): "
                  f"{item['body']!r} " + ", ".join(f"{sp[0]}={a} (ours {sp[3]})"
                                                   for sp, a in zip(item["spans"], said, strict=True)))


if __name__ == "__main__":
    main()
