"""A search query, planned: its words are grouped into concepts (a label in any language) and
free words; every group must match (AND), each in any of its forms (OR): a concept by its token
or any of its labels in any language, a free word by any of its keys, long ones also as a
prefix (the head of a compound). Rendered for SQLite FTS5 or PostgreSQL tsquery.

Pure: no database. Bounded: at most MAX_WORDS words count."""

from __future__ import annotations

from dataclasses import dataclass

from eucentre.prevention import concepts, text

MAX_QUERY = 300  # characters
MAX_WORDS = 12
PREFIX_FROM = 5  # free words this long also match as a prefix


@dataclass(frozen=True)
class Group:
    """One thing the query asks for, in its alternative forms."""

    words: tuple[str, ...]  # what the person typed (for highlighting)
    concept: str | None
    terms: tuple[str, ...]  # single index keys
    prefixes: tuple[str, ...]  # keys matched as prefixes
    phrases: tuple[tuple[str, ...], ...]  # labels of several words


@dataclass(frozen=True)
class Plan:
    groups: tuple[Group, ...]

    @property
    def empty(self) -> bool:
        return not self.groups

    def highlight_keys(self) -> frozenset[str]:
        """Keys of words worth marking in a snippet."""
        keys: set[str] = set()
        for group in self.groups:
            keys.update(group.terms)
            for phrase in group.phrases:
                keys.update(phrase)
        return frozenset(keys - text.STOPWORDS)

    def highlight_prefixes(self) -> tuple[str, ...]:
        return tuple(prefix for group in self.groups for prefix in group.prefixes)


def plan(query: str) -> Plan:
    typed = text.words(query[:MAX_QUERY], limit=MAX_WORDS)
    keys = [text.query_keys(word) for word in typed]
    found = concepts.find(keys)
    groups: list[Group] = []
    position = 0
    for hit in [*found, None]:
        end = hit.start if hit is not None else len(typed)
        for index in range(position, end):
            group = _free(typed[index], keys[index])
            if group is not None:
                groups.append(group)
        if hit is not None:
            groups.append(_concept(hit.concept, tuple(typed[hit.start : hit.end])))
            position = hit.end
    return Plan(tuple(dict.fromkeys(groups)))


def _free(word: str, keys: tuple[str, ...]) -> Group | None:
    if keys[0] in text.STOPWORDS or len(keys[0]) < 2:
        return None
    prefixes = tuple(key for key in keys if len(key) >= PREFIX_FROM)
    return Group((word,), None, keys, prefixes, ())


def _concept(concept_id: str, typed: tuple[str, ...]) -> Group:
    singles = []
    phrases = []
    for label in concepts.label_queries(concept_id):
        if len(label) == 1:
            singles.append(label[0])
        else:
            phrases.append(label)
    token = concepts.BY_ID[concept_id].token
    return Group(typed, concept_id, (token, *dict.fromkeys(singles)), (), tuple(phrases))


# --- SQLite FTS5 ---------------------------------------------------------------------------


def _q(term: str) -> str:
    # Keys are letters and digits only (text.WORD), so quoting cannot be escaped from.
    return '"' + term.replace('"', "") + '"'


def fts5_group(group: Group) -> str:
    forms = [_q(term) for term in group.terms]
    forms += [_q(prefix) + "*" for prefix in group.prefixes]
    # A label of several words: its words near each other (a word may be followed by its
    # lemma in the index, so the window is twice the label's length).
    forms += [
        f"NEAR({' '.join(_q(w) for w in phrase)}, {2 * len(phrase)})" for phrase in group.phrases
    ]
    return "(" + " OR ".join(forms) + ")"


def fts5(groups: tuple[Group, ...]) -> str:
    return " AND ".join(fts5_group(group) for group in groups)


# --- PostgreSQL tsquery --------------------------------------------------------------------


def _tsq(term: str) -> str:
    return "'" + term.replace("'", "") + "'"


def tsquery_group(group: Group) -> str:
    forms = [_tsq(term) for term in group.terms]
    forms += [_tsq(prefix) + ":*" for prefix in group.prefixes]
    # tsquery has no window operator: the words of a label, all of them.
    forms += ["(" + " & ".join(_tsq(w) for w in phrase) + ")" for phrase in group.phrases]
    return "(" + " | ".join(forms) + ")"


def tsquery(groups: tuple[Group, ...]) -> str:
    return " & ".join(tsquery_group(group) for group in groups)
