"""Pydantic models of everything newsfacts writes; the JSON Schema consumers use is generated from them."""

from schemas.feed import (
    SCHEMA_VERSION,
    ArticleInfo,
    Check,
    Event,
    Evidence,
    ExtractorInfo,
    FeedRecord,
    Figure,
    Rejected,
    Statement,
    Usage,
    feed_json_schema,
)

__all__ = [
    "SCHEMA_VERSION",
    "ArticleInfo",
    "Check",
    "Event",
    "Evidence",
    "ExtractorInfo",
    "FeedRecord",
    "Figure",
    "Rejected",
    "Statement",
    "Usage",
    "feed_json_schema",
]
