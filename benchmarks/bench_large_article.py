"""Speed of the rules backend on one long article: seconds per MB at 0.5 MB and at 5 MB, and their ratio.

Usage::

    python benchmarks/bench_large_article.py [--sizes 0.5 5] [--seeds seeds] [--dense-kb 9 120]

Each article is built by repeating the paragraphs of the seed articles in turn (so every part of it holds
numbers, quotes, dates and names) up to the size asked for, then read by ``extract.read.read_file`` and
extracted by ``extract.pipeline.extract_article`` with no model. A ratio near 1 means the cost grows with
the article's length; a ratio that grows with the size means something in the pipeline grows faster. The
timings vary on a shared machine; the ratio is what to compare. The run's post-batch cross-article report
is not part of this measure.

Number-dense text (red-team issue #13: 1,600 numbers in 9 KB once took 27 s): one paragraph of nothing but
figures, dates, money, units, scores and ranges, at each ``--dense-kb`` size, timed through the whole
article path and through ``find_numbers`` and ``find_times`` alone; a CPU-seconds-per-KB ratio near 1
between the sizes means every finder is linear. (These replace the old wall-clock unit tests.)

Unclosed quote (red-team: a 1 MB quote left open once took minutes): one paragraph of seed prose with its
quote marks taken out, opened by a “ that nothing closes, at each ``--unclosed-mb`` size, timed through
``find_quotes`` and through the whole article path; a CPU-seconds-per-MB ratio near 1 means the quote scan
and the attribution rules around it stay linear.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import tempfile
import time
from pathlib import Path

from extract.anchors.numbers import find_numbers
from extract.anchors.quotes import find_quotes
from extract.anchors.times import find_times
from extract.article import extract_article
from extract.chunks import CHUNK_CHARS
from extract.model.client import NoModel
from extract.read import Article, read_file


def build_article(seeds: Path, chars: int) -> str:
    """The seed paragraphs, in turn, up to ``chars`` characters, separated by blank lines."""
    paragraphs = [p.strip() for f in sorted(seeds.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    paragraphs = [p for p in paragraphs if p]
    out: list[str] = []
    size = 0
    while size < chars:
        out.append(paragraphs[len(out) % len(paragraphs)])
        size += len(out[-1]) + 2
    return "\n\n".join(out)


_DENSE_PARTS = ("12", "3.5%", "1,200 people", "$4.5 billion", "7-2", "June 31", "2020", "45 km", "between 5 and 6",
                "A$3m", "-5", "2:02:57", "half of them", "from $370,000 to $5.5 million", "256GB", "on Friday,",
                "1.79e+308 percent", "10^400", "four of the nine", "63-year-old", "Rs 500 crore", "rose.")


def build_dense(chars: int) -> str:
    """One paragraph of numbers and nothing else, up to ``chars`` characters."""
    out: list[str] = []
    size = 0
    for part in itertools.cycle(_DENSE_PARTS):
        if size >= chars:
            break
        out.append(part)
        size += len(part) + 1
    return " ".join(out)


def measure_dense(kb: float, folder: Path) -> tuple[float, float, float, int]:
    """CPU seconds of (the whole article path, find_numbers, find_times) on ``kb`` KB of numbers, and the
    number of anchors."""
    text = build_dense(int(kb * 1000))
    began = time.process_time()
    numbers = find_numbers(text)
    after_numbers = time.process_time()
    find_times(text, dt.date(2025, 7, 1))
    after_times = time.process_time()
    record = extract_article(Article(id="dense", text=text, source="dense", published=dt.date(2025, 7, 1)),
                             NoModel(), run_id="bench")
    whole = time.process_time() - after_times
    assert record.figures, "no figure read from number-dense text"
    return whole, after_numbers - began, after_times - after_numbers, len(numbers)


_QUOTE_MARKS = str.maketrans("", "", "“”„\"«»‘’'`")


def build_unclosed(seeds: Path, chars: int) -> str:
    """One paragraph of seed prose without quote marks, opened by a quote that nothing closes."""
    prose = " ".join(build_article(seeds, chars).translate(_QUOTE_MARKS).split())
    return "“" + prose[: chars - 1]


def measure_unclosed(seeds: Path, mb: float) -> tuple[float, float, int]:
    """CPU seconds of (find_quotes, the whole article path) on an ``mb`` MB unclosed quote, and the quotes."""
    text = build_unclosed(seeds, int(mb * 1_000_000))
    began = time.process_time()
    quotes = find_quotes(text)
    after_quotes = time.process_time()
    extract_article(Article(id="unclosed", text=text, source="unclosed", published=dt.date(2025, 7, 1)),
                    NoModel(), run_id="bench")
    return after_quotes - began, time.process_time() - after_quotes, len(quotes)


def measure(text: str, folder: Path) -> tuple[float, int]:
    """Seconds to read and extract ``text`` as one .txt article, and how many figures came out."""
    path = folder / "large.txt"
    path.write_text(text, encoding="utf-8")
    began = time.perf_counter()
    [article] = list(read_file(path))
    assert isinstance(article, Article), article
    record = extract_article(article, NoModel(), run_id="bench")
    return time.perf_counter() - began, len(record.figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 5.0], help="article sizes in MB")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of .txt articles to repeat")
    parser.add_argument("--dense-kb", type=float, nargs="+", default=[9.0, 120.0],
                        help="sizes in KB of the number-dense paragraph")
    parser.add_argument("--unclosed-mb", type=float, nargs="+", default=[0.5, 5.0],
                        help="sizes in MB of the unclosed quote")
    args = parser.parse_args()
    print(f"chunk size {CHUNK_CHARS:,} characters")
    rates: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            text = build_article(args.seeds, int(mb * 1_000_000))
            seconds, figures = measure(text, Path(tmp))
            rates.append(seconds / (len(text) / 1_000_000))
            print(f"{len(text) / 1e6:5.2f} MB: {seconds:6.1f} s, {rates[-1]:5.2f} s per MB, {figures:,} figures")
    if len(rates) > 1:
        print(f"s per MB at {args.sizes[-1]} MB / at {args.sizes[0]} MB: {rates[-1] / rates[0]:.2f}")
    dense: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        measure_dense(1.0, Path(tmp))  # warm up: regex compilation and first-call costs are not per KB
        for kb in args.dense_kb:
            whole, numbers, times, count = measure_dense(kb, Path(tmp))
            dense.append((whole / kb, numbers / kb, times / kb))
            print(f"number-dense {kb:6.1f} KB ({count:,} numbers): article {whole:6.2f} s CPU "
                  f"({dense[-1][0]:.3f} s/KB), find_numbers {numbers:.2f} s, find_times {times:.2f} s")
    if len(dense) > 1:
        ratios = [b / a if a else float("nan") for a, b in zip(dense[0], dense[-1], strict=True)]
        print(f"s per KB at {args.dense_kb[-1]} KB / at {args.dense_kb[0]} KB: article {ratios[0]:.2f}, "
              f"find_numbers {ratios[1]:.2f}, find_times {ratios[2]:.2f}")
    unclosed: list[tuple[float, float]] = []
    for mb in args.unclosed_mb:
        scan, whole, count = measure_unclosed(args.seeds, mb)
        unclosed.append((scan / mb, whole / mb))
        print(f"unclosed quote {mb:5.2f} MB ({count} quote): find_quotes {scan:.2f} s CPU ({unclosed[-1][0]:.3f} "
              f"s/MB), article {whole:.1f} s CPU ({unclosed[-1][1]:.2f} s/MB)")
    if len(unclosed) > 1:
        ratios = [b / a if a else float("nan") for a, b in zip(unclosed[0], unclosed[-1], strict=True)]
        print(f"unclosed quote s per MB at {args.unclosed_mb[-1]} MB / at {args.unclosed_mb[0]} MB: "
              f"find_quotes {ratios[0]:.2f}, article {ratios[1]:.2f}")


if __name__ == "__main__":
    main()
