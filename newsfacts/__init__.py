"""The ``newsfacts`` name for the command line: ``python -m newsfacts`` is ``python -m extract``, and the
``newsfacts`` console script is the ``extract`` one (the library itself is the ``extract`` package)."""
