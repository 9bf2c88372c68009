"""Time and memory of the cross-article report over synthetic feeds of 1k, 10k and 100k records.

Usage::

    python benchmarks/bench_report.py                       # 1,000 / 10,000 / 100,000 records
    python benchmarks/bench_report.py --sizes 1000,10000     # fewer sizes
    PYTHONPATH=/tmp/old python benchmarks/bench_report.py --sizes 1000 --label before   # another checkout

The feeds are realistic in shape: many stories (an earthquake, a war, an election, quarterly earnings, a
port strike), each told by 2-5 articles of different outlets published within a few days. Each story has
its own places, people and organisations (about eight per article), made from syllables, plus a town that
unrelated stories sometimes share, as real ones do, and a few names any story may mention (the United
Nations, the European Union). Figures, statements and dated events come from per-topic sentence templates
with the story's true values, plus distractor numbers (ages, distances); in about one story in eight, one
article states a different value or day: the planted conflicts.

Each size is generated once under the cache folder, then built in a fresh subprocess (``--one FEED``) that
streams the feed through ``cross_check`` and serialises the report, reporting wall seconds (imports left
out) and peak resident memory (``resource.getrusage``); it also times a resume that wrote nothing new
(``refresh_report`` twice: the second call finds the feed unchanged). Prints one Markdown row per size,
the 10k/1k time ratio, and how many planted conflicts are among the conflicts raised. The JSON goes to
``benchmarks/results/report.json``. Timings vary on a shared machine; compare rows of one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "report.json"
_SYLLABLES = ("ka mar vel to ri sen dor lu ba zan pe ko ral mi tha ves on gar li bru ne sa hol quin fe ta "
              "dra mo kel ur").split()
_FIRST = ("Elena Marco Aisha Tomas Yuki Omar Ines Pavel Grace Leila Samuel Nadia Viktor Hana Diego Farah "
          "Jonas Amara Luca Sofia").split()
_OUTLETS = ("Example Wire", "Daily Ledger", "Coastal Times", "Metro Post", "Global Desk", "Evening Star")
_SHARED = ("United Nations", "European Union", "Red Cross", "World Bank")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _name(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _unique(index: int, salt: int) -> str:
    """A name no other story has: the story's index spelt in syllables, then one random-looking syllable."""
    n, parts = index * 2 + salt, []
    while True:
        n, digit = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
        if not n:
            break
    parts.append(_SYLLABLES[(index * 7 + salt * 13) % len(_SYLLABLES)])
    return "".join(parts).capitalize()


class _Article:
    """Sentences of one synthetic article, with its figures, statements and events at their offsets."""

    def __init__(self, aid: str, title: str) -> None:
        self.aid, self.title = aid, title
        self.text = title + "\n"
        self.figures: list[dict[str, Any]] = []
        self.statements: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def sentence(self, text: str) -> dict[str, Any]:
        start = len(self.text)
        self.text += text + " "
        return {"text": text, "start": start, "end": start + len(text), "alignment": "exact"}

    def figure(self, ev: dict[str, Any], quantity: str, value: float, unit: str, qualifier: str | None = None,
               source: str | None = None) -> None:
        at = ev["text"].index(quantity)
        after = ev["text"][at + len(quantity):].split(",")[0].strip(" .")
        q = {"text": quantity, "start": ev["start"] + at, "end": ev["start"] + at + len(quantity), "alignment": "exact"}
        self.figures.append({"id": f"f{len(self.figures) + 1}", "value": value, "value_high": None, "unit": unit,
                             "qualifier": qualifier, "about": after or None, "source": source, "period": None,
                             "counted": None, "by": "rules", "quantity": q, "evidence": ev})

    def say(self, ev: dict[str, Any], speaker: str) -> None:
        self.statements.append({"id": f"s{len(self.statements) + 1}", "speaker": speaker, "kind": "reported",
                                "text": ev["text"], "claim": None, "date": None, "by": "rules", "evidence": ev})

    def event(self, ev: dict[str, Any], kind: str, actors: list[str], date_text: str | None,
              date: str | None = None) -> None:
        self.events.append({"id": f"e{len(self.events) + 1}", "kind": kind, "summary": ev["text"], "actors": actors,
                            "date": date, "date_text": date_text, "location": None, "by": "rules", "evidence": ev})

    def record(self, published: str, outlet: str) -> dict[str, Any]:
        sha = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        return {"article": {"id": self.aid, "title": self.title, "published": published, "published_source": "input",
                            "url": None, "outlet": outlet, "sha256": sha, "chars": len(self.text), "source": None,
                            "text": None},
                "extractor": {"backend": "rules", "model": None, "extraction": "rules", "prompt_version": "bench",
                              "prompt_hash": None, "schema_version": "1.1", "run_id": "bench", "model_calls": 0,
                              "cache_hits": 0, "attempts": 0, "model_seconds": 0.0,
                              "usage": {"prompt_tokens": 0, "completion_tokens": 0}, "model_failures": []},
                "figures": self.figures, "statements": self.statements, "events": self.events, "checks": [],
                "rejected": []}


def _story(rng: random.Random, index: int, n_articles: int, planted: list[str]) -> list[dict[str, Any]]:
    """The articles of one story; a planted conflict changes one article's value or day."""
    topic = ("quake", "war", "election", "earnings", "strike")[index % 5]
    # The story's own place names and people are its own; a town may be another story's too, as in real news.
    place, other, town = _unique(index, 0), _unique(index, 1), _name(rng, 2)
    people = [f"{rng.choice(_FIRST)} {_unique(index, 0)}{s}" for s in ("son", "ova", "er")]
    org = f"{place} {rng.choice(('Ministry of Health', 'Disaster Agency', 'Electoral Commission', 'Port Authority'))}"
    month = rng.randrange(12)
    day = rng.randrange(1, 20)
    base = 2015 + index % 10
    truth = {"n": rng.randrange(20, 2000), "m": rng.randrange(2, 40), "pct": round(rng.uniform(40, 70), 1),
             "days": rng.randrange(3, 30), "k": rng.randrange(100, 5000)}
    plant = rng.random() < 0.125
    plant_article = rng.randrange(n_articles) if plant else -1
    if plant:
        planted.append(f"{topic}-{index}")
    records = []
    for a in range(n_articles):
        v = dict(truth)
        shift = 0
        if a == plant_article:  # a different value of the story's main measure, or (a war) another day
            if topic == "war" and rng.random() < 0.4:
                shift = 1
            elif topic in ("war", "strike"):
                v["days"] += rng.randrange(2, 5)
            elif topic == "election":
                v["pct"] = round(v["pct"] + rng.uniform(3, 6), 1)
            else:
                v["n"] = round(v["n"] * rng.uniform(1.15, 1.4))
        date_text = f"{_MONTHS[month]} {day + shift}"
        art = _Article(f"{topic}-{index}-{a}", f"{place}: {topic} update ({_OUTLETS[a % len(_OUTLETS)]})")
        lines: list[Any] = []
        if topic == "quake":
            s = art.sentence(f"An earthquake struck {town} in {place} on {date_text}, killing at least {v['n']} "
                             "people.")
            art.figure(s, f"at least {v['n']}", v["n"], "count", "at least")
            art.event(s, "disaster", [place], date_text)
            s = art.sentence(f"{people[0]} said {v['k']} people had been injured across {place}.")
            art.figure(s, str(v["k"]), v["k"], "count", source=people[0])
            s = art.sentence(f"The {_SHARED[index % 4]} sent {v['m']} helicopters to {town}.")
            art.figure(s, str(v["m"]), v["m"], "count")
            lines = [(people[0], f"Rescuers reached {town}, {people[0]} said.")]
        elif topic == "war":
            s = art.sentence(f"A ceasefire between {place} and {other} took effect on {date_text}, ending the "
                             f"{v['days']}-day war.")
            art.figure(s, f"{v['days']}-day", v["days"], "day")
            art.event(s, "ceasefire", [place, other], date_text)
            s = art.sentence(f"The war left {v['n']} dead in {other}, officials in {place} said.")
            art.figure(s, str(v["n"]), v["n"], "count")
            lines = [(people[0], f"{people[0]} called {people[1]} about the truce."),
                     (people[1], f"{people[1]} said {other} would respect it.")]
        elif topic == "election":
            s = art.sentence(f"{people[0]} won {place}'s runoff on {date_text} with {v['pct']}% of the vote.")
            art.figure(s, f"{v['pct']}%", v["pct"], "percent", source=org)
            art.event(s, "election", [people[0], place], date_text)
            s = art.sentence(f"Turnout in {place} was {v['m'] + 30}%, the {org} said.")
            art.figure(s, f"{v['m'] + 30}%", v["m"] + 30, "percent", source=org)
            lines = [(people[1], f"{people[1]} conceded defeat in {town}.")]
        elif topic == "earnings":
            company = f"{place} Systems"
            s = art.sentence(f"{company} said revenue rose {v['m']}% to ${v['k']} million in the third quarter.")
            art.figure(s, f"{v['m']}%", v["m"], "percent", source=company)
            art.figure(s, f"${v['k']} million", v["k"] * 1e6, "USD", source=company)
            s = art.sentence(f"{company} will cut {v['n']} jobs in {town}, {people[0]} said.")
            art.figure(s, str(v["n"]), v["n"], "count", source=people[0])
            art.event(s, "decision", [company], date_text)
            lines = [(people[0], f"{people[0]} told analysts in {town} that demand was strong.")]
        else:
            s = art.sentence(f"Dockworkers in {town} ended a {v['days']}-day strike on {date_text} after a "
                             f"{v['m']}% pay deal.")
            art.figure(s, f"{v['days']}-day", v["days"], "day")
            art.event(s, "agreement", [f"{place} Port Authority", people[0]], date_text)
            s = art.sentence(f"The {place} Port Authority employs about {v['k']} dockworkers.")
            art.figure(s, f"about {v['k']}", v["k"], "count", "about")
            lines = [(people[0], f"{people[0]} said the union had won in {town}.")]
        for speaker, line in lines:
            art.say(art.sentence(line), speaker)
        # Background every article of the story gives in its own words: its region, an official, a
        # second place (real articles name 5-25 people, places and organisations; see gold/).
        region, official = f"{_unique(index, 1)}ia", f"{rng.choice(_FIRST)} {_unique(index, 1)}i"
        s = art.sentence(f"{official}, who leads the {region} council, visited {other} on {date_text}.")
        art.event(s, "meeting", [official, other], date_text)
        s = art.sentence(f"{people[2]}, {rng.randrange(20, 80)}, lives {rng.randrange(2, 90)} km from {town}.")
        art.figure(s, s["text"].split(", ")[1], float(s["text"].split(", ")[1]), "year")
        art.say(art.sentence(f"“We will see,” said {people[2]}."), people[2])
        published = f"{base}-{month + 1:02d}-{min(28, day + 1 + a % 3):02d}"
        records.append(art.record(published, _OUTLETS[a % len(_OUTLETS)]))
    return records


def make_feed(path: Path, records: int, seed: int = 7) -> list[str]:
    """Write a synthetic feed of ``records`` lines; the planted conflicts' story ids."""
    rng = random.Random(seed)
    planted: list[str] = []
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        index = 0
        while written < records:
            story = _story(rng, index, min(records - written, rng.randrange(2, 6)), planted)
            for rec in story:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += len(story)
            index += 1
    return planted


def _one(feed: Path) -> None:
    """Build the report of ``feed`` in this process and print its timings as JSON (the subprocess side)."""
    from extract import crosscheck
    from extract.read import load_feed
    from schemas import FeedRecord, Report

    began, cpu = time.perf_counter(), time.process_time()  # imports left out: read, group, serialise
    report: Report
    if hasattr(crosscheck, "iter_feed"):
        report = crosscheck.cross_check(r for r in crosscheck.iter_feed(feed) if isinstance(r, FeedRecord))
    else:  # a checkout from before streaming: the whole feed in memory
        report = crosscheck.cross_check(load_feed(feed)[0])
    text = report.model_dump_json(indent=2)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    out: dict[str, Any] = {"seconds": seconds, "cpu_seconds": cpu, "report_mb": len(text) / 1e6,
                           "conflict_stories": sorted({v.article.rsplit("-", 1)[0] for g in
                                                       (*report.figure_groups, *report.event_groups)
                                                       if g.verdict == "conflict" for v in g.values}),
                           "conflicts": report.summary.conflicts, "figure_groups": report.summary.figure_groups,
                           "event_groups": report.summary.event_groups}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["resume_seconds"] = None
    if hasattr(crosscheck, "refresh_report"):
        with tempfile.TemporaryDirectory() as tmp:
            crosscheck.refresh_report(feed, Path(tmp) / "report.json")
            began = time.perf_counter()
            crosscheck.refresh_report(feed, Path(tmp) / "report.json")
            out["resume_seconds"] = time.perf_counter() - began
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="Records per feed, comma-separated.")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newsfacts-bench-report",
                        help="Folder for the generated feeds (kept between runs).")
    parser.add_argument("--label", default="now", help="Name of this checkout in the table (before, now...).")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one)
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    rows = []
    print("| code | records | seconds (CPU) | peak RSS (MB) | report (MB) | resume, unchanged feed (s) | groups "
          "(figures / events) | conflicts (planted found / planted) |")
    print("|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        feed = args.cache / f"feed-{size}.jsonl"
        planted_path = args.cache / f"feed-{size}.planted.json"
        if not (feed.is_file() and planted_path.is_file()):
            planted_path.write_text(json.dumps(make_feed(feed, size)), encoding="utf-8")
        planted = set(json.loads(planted_path.read_text(encoding="utf-8")))
        done = subprocess.run([sys.executable, __file__, "--one", str(feed)], capture_output=True, text=True,
                              check=True)
        row = {"code": args.label, "records": size, **json.loads(done.stdout.strip().splitlines()[-1])}
        found = planted & set(row.pop("conflict_stories"))
        row.update(planted=len(planted), planted_found=len(found))
        rows.append(row)
        resume = f"{row['resume_seconds']:.2f}" if row["resume_seconds"] is not None else "rebuilt"
        print(f"| {args.label} | {size:,} | {row['seconds']:.1f} ({row['cpu_seconds']:.1f}) | {row['peak_rss_mb']:.0f} "
              f"| {row['report_mb']:.1f} "
              f"| {resume} | {row['figure_groups']:,} / {row['event_groups']:,} "
              f"| {row['conflicts']:,} ({len(found):,} / {len(planted):,}) |", flush=True)
    by_size = {r["records"]: (r["seconds"], r["cpu_seconds"]) for r in rows}
    if 1000 in by_size and 10000 in by_size:
        wall, cpu = (by_size[10000][i] / by_size[1000][i] for i in (0, 1))
        print(f"\n10k / 1k time ratio: {wall:.1f}x wall, {cpu:.1f}x CPU")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
