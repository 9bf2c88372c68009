"""Speed of the rules backend on one long article: seconds per MB at 0.5 MB and at 5 MB, and their ratio.

Usage::

    python benchmarks/bench_large_article.py [--sizes 0.5 5] [--seeds seeds]

Each article is built by repeating the paragraphs of the seed articles in turn (so every part of it holds
numbers, quotes, dates and names) up to the size asked for, then read by ``extract.read.read_file`` and
extracted by ``extract.pipeline.extract_article`` with no model. A ratio near 1 means the cost grows with
the article's length; a ratio that grows with the size means something in the pipeline grows faster. The
timings vary on a shared machine; the ratio is what to compare. The run's post-batch cross-article report
is not part of this measure.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

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


if __name__ == "__main__":
    main()
