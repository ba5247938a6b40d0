"""One spelling per source and tag: the first seen wins, whatever the case typed.

"Referral" and "referral" are one source; without this `L` lists both and a
filter on one misses the other. A lead's source or tag takes the spelling of
the oldest lead that already has it (case-insensitively), or is the first.
"""

from __future__ import annotations

from dataclasses import replace

from leaddesk.core.domain.validate import LeadDraft, normalise_tags, one_spaced
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead


class Spellings:
    """Canonical spellings, looked up once each and remembered (one per import).

    Spellings met while the rows are not yet written (an import's batch) are
    remembered too, so the first row of a file sets the spelling for the rest.
    """

    def __init__(self, editing: int | None = None) -> None:
        # The lead being edited does not vote: its rep may be correcting the spelling.
        self._others = Lead.id != editing if editing is not None else Lead.id > 0
        self._sources: dict[str, str] = {}
        self._tags: dict[str, str] = {}
        self._kept: dict[tuple[str, str], bool] = {}

    def draft(self, draft: LeadDraft) -> LeadDraft:
        """`draft` with its source and tags in their canonical spelling."""
        if self.kept(draft.source, draft.tags):
            return draft
        source, tags = self.source(draft.source), self.tags(draft.tags)
        return replace(draft, source=source, tags=tags)

    def kept(self, source: str, tags: str) -> bool:
        """Whether a draft with this source and these tags keeps them as they are
        (`draft` would return it unchanged)."""
        key = (source, tags)
        kept = self._kept.get(key)
        if kept is None:
            kept = (self.source(source), self.tags(tags)) == key
            if len(self._kept) < 4096:  # a file's few sources and tag sets, not every row's
                # fixed once asked: each source and tag keeps the spelling it first got
                self._kept[key] = kept
        return kept

    def source(self, text: str) -> str:
        source = one_spaced(text)
        if not source:
            return ""
        key = source.lower()
        if key not in self._sources:
            # ILIKE on both engines; LIKE's wildcards only widen, the exact check follows
            query = (
                Lead.select(Lead.source)
                .where(self._others & (Lead.source**source))
                .order_by(Lead.id)
            )
            found = next((s for (s,) in tuples(query) if s.lower() == key), source)
            self._sources[key] = found
        return self._sources[key]

    def tags(self, text: str) -> str:
        tags = [t for t in normalise_tags(text).split(", ") if t]
        return ", ".join(dict.fromkeys(self._tag(t) for t in tags))

    def _tag(self, tag: str) -> str:
        key = tag.lower()
        if key not in self._tags:
            query = (
                Lead.select(Lead.tags)
                .where(self._others & (Lead.tags ** f"%{tag}%"))
                .order_by(Lead.id)
            )
            self._tags[key] = next(
                (t for (text,) in tuples(query) for t in _split(text) if t.lower() == key), tag
            )
        return self._tags[key]


def _split(text: str) -> list[str]:
    return [one_spaced(t) for t in text.split(",")]
