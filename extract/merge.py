"""Merge the rules' draft with the model's: the model decides what is a fact and who said it, and the
rules keep what the model passed over where that is measured to help.

Input: two :class:`~extract.rules.Draft` of one article (the rules' and the model's) and a
:class:`MergePolicy`. Output: one draft without duplicates, every item marked ``by`` "rules" or "model".
An item of the model replaces the rules' item on the same anchor (the same quantity, the same quotation,
an overlapping reported sentence, the same event sentence). What the rules found and the model did not
mention is kept or dropped by kind, as the policy says.

The default policy was chosen on the real-article dev set with a capable-model stand-in answering the
same requests (``benchmarks/bench_model_ceiling.py`` and the README's quality section say how).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from extract.rules import Draft, StatementDraft


@dataclass(frozen=True)
class MergePolicy:
    """What the rules keep of their own items that the model did not mention."""

    figures: bool = False  # which numbers are reported measures (not furniture, labels, known sets)
    quotes: bool = False  # which quotations someone says, and who
    reported: bool = False  # which sentences report speech
    events: bool = False  # what counts as a happening


DEFAULT_POLICY = MergePolicy()


def merge(rules_draft: Draft, model_draft: Draft, policy: MergePolicy = DEFAULT_POLICY,
          silent: frozenset[str] = frozenset()) -> Draft:
    """One draft: the model's items, then the rules' items the policy keeps and the model did not cover.

    ``silent`` names the item types ("figures", "statements", "events") the model gave nothing of: an
    empty list is no judgement, so the rules' items of those types all stand.
    """
    policy = replace(policy, figures=policy.figures or "figures" in silent,
                     quotes=policy.quotes or "statements" in silent,
                     reported=policy.reported or "statements" in silent,
                     events=policy.events or "events" in silent)
    figure_spans = {(f.number.start, f.number.end) for f in model_draft.figures}
    figures = [*model_draft.figures, *(
        f for f in rules_draft.figures
        if policy.figures and (f.number.start, f.number.end) not in figure_spans)]
    quotes = {(s.start, s.end) for s in model_draft.statements if s.quote is not None}
    reported = [s for s in model_draft.statements if s.quote is None]
    statements = [*model_draft.statements, *(
        s for s in rules_draft.statements
        if (policy.quotes if s.quote is not None else policy.reported)
        and not (s.quote is not None and (s.start, s.end) in quotes)
        and not (s.quote is None and any(_overlaps(s, r) for r in reported)))]
    event_sentences = {e.sentence.start for e in model_draft.events}
    events = [*model_draft.events, *(
        e for e in rules_draft.events if policy.events and e.sentence.start not in event_sentences)]
    return Draft(
        figures=tuple(sorted(figures, key=lambda f: f.number.start)),
        statements=tuple(sorted(statements, key=lambda s: (s.start, s.quote is None))),
        events=tuple(sorted(events, key=lambda e: e.sentence.start)),
        notes=rules_draft.notes,
    )


def _overlaps(a: StatementDraft, b: StatementDraft) -> bool:
    return a.start < b.end and b.start < a.end
