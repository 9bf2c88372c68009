"""Engines that drive the per-article path (:func:`extract.article.extract_article`) over a batch.

* :mod:`extract.engines.local`: this process, one thread or several (``--engine local``, the default);
* :mod:`extract.engines.ray_data`: Ray Data's ``map_batches`` on a local Ray instance or a cluster
  (``--engine ray``, extra ``[ray]``);
* :mod:`extract.engines.batch_api`: the OpenAI Batch API (``python -m extract batch ...``): requests
  written as files, answered elsewhere, collected and validated exactly as live answers are.
"""
