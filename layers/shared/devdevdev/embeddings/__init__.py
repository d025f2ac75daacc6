"""Pick embeddings: the provider port, its errors, and the provider the settings choose.

Two providers sit behind :class:`EmbeddingProvider`: OpenAI's ``text-embedding-3-small`` in AWS
(:mod:`devdevdev.embeddings.openai`) and an offline one for the local stack and the tests
(:mod:`devdevdev.embeddings.offline`). The error classes' names are what Step Functions matches when it retries
(:data:`devdevdev.embeddings.pipeline.RETRY_ERRORS`): Lambda reports a raised exception's class name as the error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from devdevdev.embeddings.errors import (
    EmbeddingError,
    EmbeddingFailed,
    EmbeddingThrottled,
    EmbeddingTimeout,
    EmbeddingUnavailable,
)

if TYPE_CHECKING:
    import numpy as np

    from devdevdev.settings import Settings


__all__ = [
    "EmbeddingError",
    "EmbeddingFailed",
    "EmbeddingProvider",
    "EmbeddingThrottled",
    "EmbeddingTimeout",
    "EmbeddingUnavailable",
    "create_provider",
]


class EmbeddingProvider(Protocol):
    """Turns texts into vectors; one vector (float32, any length) per text, in order."""

    @property
    def model(self) -> str:
        """The model's name, stored with each vector: only vectors of one model are compared."""
        ...

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The vectors of ``texts``; raises an :class:`EmbeddingError` subclass when it cannot."""
        ...


def create_provider(settings: Settings) -> EmbeddingProvider:
    """The provider the settings name: ``offline`` (default) or ``openai``."""
    if settings.embedding_provider == "openai":
        from devdevdev.embeddings.openai import OpenAIEmbeddings  # the SDK loads only where it is used

        if not settings.openai_api_key:
            raise ValueError("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_API_KEY_ARN")
        return OpenAIEmbeddings(settings.openai_api_key, settings.embedding_model, settings.openai_timeout_seconds)
    from devdevdev.embeddings.offline import OfflineEmbeddings

    return OfflineEmbeddings()
