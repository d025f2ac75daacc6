"""The offline embedding provider: hashed character n-grams of the title, no network, no model files.

A title is normalised (NFKC, lower case, punctuation dropped) and split into words. Each word contributes itself,
its characters (Hangul syllables), its character bigrams, and the bigrams and trigrams of its jamo spelling
(``부럽다`` → ``ㅂㅜㄹㅓㅂㄷㅏ``), so ``일본`` and ``일본이``, or ``쏘영님`` and ``소영님``, share most of their features.
Each feature is hashed (CRC-32) into one of :data:`DIMENSIONS` buckets with a hashed sign, weighted by
``1 + log(count)``, and the vector is L2-normalised.

It measures how much two titles share on the surface, not what they mean: the same topic in shared words scores
high, synonyms and translations (``리액트`` / ``React``) do not. Good enough to demonstrate and test the pipeline and
the endpoint; AWS uses OpenAI.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

from devdevdev.domain.hangul import to_jamo

MODEL = "offline-ngram-v1"
DIMENSIONS = 512
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script (Hangul included)
# How much each kind of feature counts: whole words and syllable pairs carry the topic; jamo n-grams tolerate
# spelling variants and particles; single syllables are weak evidence.
_WEIGHTS = {"w": 1.0, "c": 0.35, "b": 0.8, "j2": 0.25, "j3": 0.45}
# Words that join the two sides of almost every poll title ("A vs B"): they say nothing about its topic.
STOPWORDS = frozenset({"vs", "v", "or", "and", "versus"})


def normalise(title: str) -> list[str]:
    """The title's words: NFKC, lower case, punctuation, symbols and :data:`STOPWORDS` dropped."""
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", title).lower()) if w not in STOPWORDS]


def features(title: str) -> Counter[str]:
    """The hashed features of a title and how often each occurs."""
    found: Counter[str] = Counter()
    for word in normalise(title):
        found[f"w:{word}"] += 1
        found.update(f"c:{char}" for char in word)
        found.update(f"b:{word[i : i + 2]}" for i in range(len(word) - 1))
        jamo = to_jamo(word)
        found.update(f"j2:{jamo[i : i + 2]}" for i in range(len(jamo) - 1))
        found.update(f"j3:{jamo[i : i + 3]}" for i in range(len(jamo) - 2))
    if not found and title.strip():  # only symbols ("!!!"): the characters themselves
        found.update(f"c:{char}" for char in title.strip())
    return found


def vector_of(title: str) -> np.ndarray:
    """The title's unit vector (float32, :data:`DIMENSIONS` long); all zeros for an empty title."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    for feature, count in features(title).items():
        digest = zlib.crc32(feature.encode("utf-8"))
        sign = 1.0 if digest & 0x80000000 else -1.0
        vector[digest % DIMENSIONS] += sign * _WEIGHTS[feature.split(":", 1)[0]] * (1.0 + math.log(count))
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class OfflineEmbeddings:
    """The local stack's and the tests' provider (see the module's docstring for what it is good at)."""

    model = MODEL

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One unit vector per text."""
        return [vector_of(text) for text in texts]
