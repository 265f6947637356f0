"""Words as the search index sees them: split, folded (case and diacritics: "Prävention" and
"prevention" meet at "pravention"), lemmatised in the text's language with simplemma (its
dictionaries ship in its wheel; nothing is downloaded), and long compounds of German, Dutch
and Swedish split into known words ("Präventionsprogramm" also yields "programm").

Pure: no database. Every function is bounded by its input and cached per word."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

# Languages simplemma lemmatises for us; text in another language is folded only.
LEMMA_LANGUAGES = ("en", "de", "fr", "nl", "es", "it")
COMPOUND_LANGUAGES = frozenset({"de", "nl", "sv"})
# The languages a query's words are lemmatised in (its language is not known).
QUERY_LANGUAGES = ("en", "de", "fr")
WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60  # longer "words" are junk; they are cut, never looked up whole
MIN_PART = 4  # the shortest part a compound is split into
LINKS = ("", "s", "es", "n", "en", "e")  # German/Dutch linking elements between parts


def words(text: str, *, limit: int = 20_000) -> list[str]:
    """The words of a text, in order (at most `limit`)."""
    found = []
    for match in WORD.finditer(text):
        found.append(match.group()[:MAX_WORD])
        if len(found) >= limit:
            break
    return found


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without diacritics: "Täter" -> "tater", "élève" -> "eleve", "Straße" ->
    "strasse"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    if language not in LEMMA_LANGUAGES:
        return word
    return simplemma.lemmatize(word, lang=language)


def _known(word: str, language: str) -> bool:
    return simplemma.is_known(word, lang=language) or simplemma.is_known(
        word.capitalize(), lang=language
    )


@lru_cache(maxsize=50_000)
def known(word: str) -> bool:
    """Whether a dictionary of a query language knows the word."""
    return any(_known(word, language) for language in QUERY_LANGUAGES)


@lru_cache(maxsize=100_000)
def compound_parts(word: str, language: str) -> tuple[str, ...]:
    """The two known words a long compound is made of (the longest known tail), or ()."""
    if language not in COMPOUND_LANGUAGES or language not in LEMMA_LANGUAGES:
        return ()
    if len(word) < 2 * MIN_PART + 1:
        return ()
    lower = word.lower()
    for cut in range(MIN_PART, len(lower) - MIN_PART + 1):
        tail = lower[cut:]
        if not _known(tail, language):
            continue
        head = lower[:cut]
        for link in LINKS:
            stem = head[: len(head) - len(link)] if link and head.endswith(link) else head
            if len(stem) >= MIN_PART - 1 and _known(stem, language):
                return (stem, tail)
    return ()


@lru_cache(maxsize=200_000)
def word_keys(word: str, language: str) -> tuple[str, ...]:
    """A word of a text in `language`: itself folded, and its lemma folded."""
    keys = [fold(word)]
    folded = fold(lemma(word, language))
    if folded not in keys:
        keys.append(folded)
    return tuple(keys)


@lru_cache(maxsize=200_000)
def index_keys(word: str, language: str) -> tuple[str, ...]:
    """What a word is indexed as: its keys and its compound parts (lemmatised), folded."""
    keys = list(word_keys(word, language))
    for part in compound_parts(word, language):
        folded = fold(lemma(part, language))
        if folded not in keys:
            keys.append(folded)
    return tuple(keys)


@lru_cache(maxsize=50_000)
def query_keys(word: str) -> tuple[str, ...]:
    """What a query word may have been indexed as, whatever the language of the text: itself
    folded and its lemma in each query language."""
    keys = [fold(word)]
    for language in QUERY_LANGUAGES:
        folded = fold(lemma(word, language))
        if folded not in keys:
            keys.append(folded)
    return tuple(keys)


def index_text(text: str, language: str) -> str:
    """A text as the index stores it: every word's keys, in order."""
    return " ".join(key for word in words(text) for key in index_keys(word, language))


# Words a query may drop when they are not part of a concept's label.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "und",
        "oder",
        "mit",
        "von",
        "zu",
        "zur",
        "zum",
        "im",
        "ist",
        "fur",
        "auf",
        "bei",
        "nach",
        "aus",
        "als",
        "wie",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "de",
        "du",
        "d",
        "et",
        "ou",
        "pour",
        "par",
        "sur",
        "dans",
        "au",
        "aux",
        "avec",
        "en",
        "est",
        "het",
        "een",
        "of",
        "voor",
        "van",
        "met",
        "op",
        "el",
        "los",
        "las",
        "y",
        "o",
        "para",
        "por",
        "con",
        "del",
        "il",
        "lo",
        "gli",
        "i",
        "e",
        "per",
        "di",
        "da",
        "nel",
    ]
)
