"""newsfacts: extract events, statements and figures from news articles, grounded to character offsets.

Stages, one module each: ``read`` -> ``anchors`` -> ``rules`` + ``ask`` -> ``validate`` -> ``check`` ->
``write``, put together in ``pipeline``; ``cli`` is the thin command-line layer over them.
"""
