"""The model layer: everything that talks to a model, and only this package (and the Batch API engine)
imports ``openai`` or ``instructor``.

* :mod:`extract.model.connect`: which backend, model and extraction a run uses (the one place that decides);
* :mod:`extract.model.client`: requests, answers, the instructor client with retries and re-asks;
* :mod:`extract.model.cache`: the answer cache on disk;
* :mod:`extract.model.deadline`: a timeout that bounds a whole request, not one socket read;
* :mod:`extract.model.prompts`: versioned prompt templates from ``prompts/``;
* :mod:`extract.model.questions`: assist extraction, constrained questions for tiny models;
* :mod:`extract.model.full`: full extraction, the model fills the facts by anchor id;
* :mod:`extract.model.answer`: the answer schema of full extraction;
* :mod:`extract.model.local_server`: the embedded llama.cpp server over a packaged model.
"""
