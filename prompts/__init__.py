"""Versioned prompt templates, loaded by name (``ask.speaker.v1``); see ``extract.ask.load_prompt``."""
