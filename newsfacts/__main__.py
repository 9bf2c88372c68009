"""``python -m newsfacts``: the same command line as ``python -m extract``."""

from extract.cli import main

main()
