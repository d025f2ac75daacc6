"""What a provider raises when it cannot embed. The classes' names are what Step Functions matches when it retries
(:data:`devdevdev.embeddings.pipeline.RETRY_ERRORS`): Lambda reports a raised exception's class name as the error.
Re-exported by :mod:`devdevdev.embeddings`."""

from __future__ import annotations


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
