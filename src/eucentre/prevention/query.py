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
    labels: tuple[str, ...] = ()  # labels of one word (concepts), for highlighting
    typed_keys: tuple[str, ...] = ()  # what was typed, when it names a concept


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
            keys.update(group.labels)
            keys.update(group.typed_keys)
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
    # A word the dictionaries know is matched by its lemmas (and compounds by their parts,
    # split when indexed); only an unknown word, likely a name or a compound's head the
    # dictionaries lack, is also matched as a prefix, which is costly on a large catalogue.
    prefixes = () if text.known(word) else tuple(k for k in keys if len(k) >= PREFIX_FROM)
    return Group((word,), None, keys, prefixes, ())


def _concept(concept_id: str, typed: tuple[str, ...]) -> Group:
    """A concept: its token, which every record naming one of its labels (in any language)
    carries since it was indexed, or was tagged with by an editor; the typed words too. The
    labels in every language are kept for highlighting, and `with_labels` matches them in the
    text as well (for an index built before a label was added, until `prevention reindex`)."""
    phrases: list[tuple[str, ...]] = []
    singles: list[str] = []
    for label in concepts.label_queries(concept_id):
        if len(label) == 1:
            singles.append(label[0])
        else:
            phrases.append(label)
    token = concepts.BY_ID[concept_id].token
    typed_keys = tuple(key for word in typed for key in text.query_keys(word)[:1])
    terms = tuple(dict.fromkeys((token, *typed_keys)))
    return Group(typed, concept_id, terms, (), tuple(phrases), tuple(singles), typed_keys)


# --- SQLite FTS5 ---------------------------------------------------------------------------


def _q(term: str) -> str:
    # Keys are letters and digits only (text.WORD), so quoting cannot be escaped from.
    return '"' + term.replace('"', "") + '"'


def fts5_group(group: Group, *, with_labels: bool = False) -> str:
    forms = [_q(term) for term in group.terms]
    forms += [_q(prefix) + "*" for prefix in group.prefixes]
    if with_labels:
        # A label of several words: its words near each other (a word may be followed by its
        # lemma in the index, so the window is twice the label's length).
        forms += [_q(label) for label in group.labels]
        forms += [
            f"NEAR({' '.join(_q(w) for w in phrase)}, {2 * len(phrase)})"
            for phrase in group.phrases
        ]
    return "(" + " OR ".join(forms) + ")"


def fts5(groups: tuple[Group, ...], *, with_labels: bool = False) -> str:
    return " AND ".join(fts5_group(group, with_labels=with_labels) for group in groups)


# --- PostgreSQL tsquery --------------------------------------------------------------------


def _tsq(term: str) -> str:
    return "'" + term.replace("'", "") + "'"


def tsquery_group(group: Group, *, with_labels: bool = False) -> str:
    forms = [_tsq(term) for term in group.terms]
    forms += [_tsq(prefix) + ":*" for prefix in group.prefixes]
    if with_labels:
        forms += [_tsq(label) for label in group.labels]
        # tsquery has no window operator: the words of a label, all of them.
        forms += ["(" + " & ".join(_tsq(w) for w in phrase) + ")" for phrase in group.phrases]
    return "(" + " | ".join(forms) + ")"


def tsquery(groups: tuple[Group, ...]) -> str:
    return " & ".join(tsquery_group(group) for group in groups)
