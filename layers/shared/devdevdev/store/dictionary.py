"""The random-nickname dictionary (docs/rules.md#mypage-random-nickname): words by type, one item per type."""

from __future__ import annotations

import random

from devdevdev.store import keys
from devdevdev.store.models import NicknameWordsItem

WORD_TYPES = ("ADVERB", "ADJECTIVE", "NOUN")


class NicknameDictionary:
    """Reads all three word lists in one batch."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def put(self, word_type: str, words: list[str]) -> None:
        NicknameWordsItem(*keys.nickname_words(word_type), words=words).save()

    def random_nickname(self) -> str | None:
        """``<부사> <형용사> <명사>``, or None when a word type has no words."""
        items = {
            item.sk: [str(word) for word in item.words or []]
            for item in NicknameWordsItem.batch_get([keys.nickname_words(t) for t in WORD_TYPES])
        }
        chosen = []
        for word_type in WORD_TYPES:
            words = items.get(word_type) or []
            if not words:
                return None
            chosen.append(self._rng.choice(words))
        return " ".join(chosen)
