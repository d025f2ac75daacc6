"""OpenAI's embeddings (``text-embedding-3-small``, 1,536 dimensions) behind the provider port.

The SDK's own retries are off: Step Functions retries throttling and timeouts with backoff, visibly in the
execution's history, so a slow provider does not hold a Lambda invocation for minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import openai

from devdevdev.embeddings.errors import EmbeddingFailed, EmbeddingThrottled, EmbeddingTimeout, EmbeddingUnavailable


class OpenAIEmbeddings:
    """``POST /v1/embeddings`` through the OpenAI SDK; its errors become the port's."""

    def __init__(self, api_key: str, model: str, timeout_seconds: float, client: Any = None) -> None:
        self.model = model
        self._client = client or openai.OpenAI(api_key=api_key, timeout=timeout_seconds, max_retries=0)

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text, in order. Raises ``EmbeddingThrottled`` (429), ``EmbeddingTimeout``,
        ``EmbeddingUnavailable`` (connection errors, 5xx) or ``EmbeddingFailed`` (any other refusal)."""
        if not texts:
            return []
        try:
            response = self._client.embeddings.create(model=self.model, input=list(texts))
        except openai.RateLimitError as error:
            raise EmbeddingThrottled(str(error)) from error
        except openai.APITimeoutError as error:  # before APIConnectionError, its base class
            raise EmbeddingTimeout(str(error)) from error
        except (openai.APIConnectionError, openai.InternalServerError) as error:
            raise EmbeddingUnavailable(str(error)) from error
        except openai.OpenAIError as error:
            raise EmbeddingFailed(str(error)) from error
        data = sorted(response.data, key=lambda d: d.index)
        if len(data) != len(texts):
            raise EmbeddingFailed(f"OpenAI returned {len(data)} embeddings for {len(texts)} texts")
        return [np.asarray(d.embedding, dtype=np.float32) for d in data]
