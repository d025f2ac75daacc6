"""Pick embeddings: the provider port, its errors, and the provider the settings choose.

Two providers sit behind :class:`EmbeddingProvider`: OpenAI's ``text-embedding-3-small`` in AWS
(:mod:`devdevdev.embeddings.openai`) and an offline one for the local stack and the tests
(:mod:`devdevdev.embeddings.offline`). The error classes' names are what Step Functions matches when it retries
(:data:`devdevdev.embeddings.pipeline.RETRY_ERRORS`): Lambda reports a raised exception's class name as the error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from devdevdev.settings import Settings


class EmbeddingError(Exception):
    """The provider could not embed the texts."""


class EmbeddingThrottled(EmbeddingError):
    """The provider refused for now (OpenAI's 429): retried with backoff."""


class EmbeddingTimeout(EmbeddingError):
    """The provider did not answer in time: retried with backoff."""


class EmbeddingUnavailable(EmbeddingError):
    """The provider could not be reached or failed on its side (connection error, 5xx): retried with backoff."""


class EmbeddingFailed(EmbeddingError):
    """The provider refused the request itself (bad key, bad input): retrying would not help."""


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
