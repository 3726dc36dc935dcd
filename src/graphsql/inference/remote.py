"""Answers from any OpenAI-compatible chat-completions server: vLLM, llama.cpp's server, Ollama (issue 30).

    >>> gen = OpenAIGenerator("http://127.0.0.1:8080/v1", model="graphsql")     # the model name the server knows
    >>> gen.generate([messages], n=5, temperature=0.7)                         # one list of 5 completions

The prompts, extraction, repairs and voting are those of the in-process backends: only the text comes from the
server. Self-consistency asks for ``n`` choices in one request and, where a server returns fewer (llama.cpp's
server gives one), asks again with the next seeds. The client is the `openai` package (its timeouts and retries);
a server that is down, slow, answers 4xx/5xx or malformed JSON becomes one `ModelError` line naming the server.
The API key comes from ``api_key`` or the ``GRAPHSQL_API_KEY`` / ``OPENAI_API_KEY`` environment variables and is
never logged or recorded.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from graphsql.inference.models import ModelError

log = logging.getLogger(__name__)

# llama.cpp's servers penalise repeated tokens by default (1.1), which in-process decoding does not: greedy answers
# then differ (Spider-style "a  =  b" loses its spaces, aliases change). Other servers ignore the field.
EXTRA_BODY = {"repeat_penalty": 1.0}


class OpenAIGenerator:
    """A generator whose completions come from an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    concurrent = True  # thread-safe: `predict --workers N` keeps N questions in flight

    def __init__(self, base_url: str, model: str = "default", api_key: str | None = None, timeout: float = 120.0,
                 max_retries: int = 2):
        try:
            import openai
        except ImportError as err:  # pragma: no cover - the serving extra is missing
            raise ModelError("--backend openai needs the openai package: pip install 'graphsql[serving]'") from err
        if not base_url:
            raise ModelError("--backend openai needs --base-url (e.g. http://127.0.0.1:8000/v1)")
        key = api_key or os.environ.get("GRAPHSQL_API_KEY") or os.environ.get("OPENAI_API_KEY") or "none"
        self.base_url, self.model = base_url.rstrip("/"), model
        self._openai = openai
        self.client = openai.OpenAI(base_url=self.base_url, api_key=key, timeout=timeout, max_retries=max_retries)

    def __repr__(self) -> str:
        return f"OpenAIGenerator({self.base_url!r}, model={self.model!r})"

    def _ask(self, messages, n: int, temperature: float, max_new_tokens: int, seed: int) -> list[str]:
        errors = self._openai
        try:
            reply = self.client.chat.completions.create(model=self.model, messages=list(messages), n=n,
                                                        temperature=temperature, max_tokens=max_new_tokens, seed=seed,
                                                        extra_body=EXTRA_BODY)
        except errors.APIConnectionError as err:  # APITimeoutError is one
            kind = "timed out" if isinstance(err, errors.APITimeoutError) else "cannot be reached"
            raise ModelError(f"server {self.base_url} {kind}") from None
        except errors.APIStatusError as err:
            body = err.body.get("message", err.body) if isinstance(err.body, dict) else err.body or err.message
            raise ModelError(f"server {self.base_url} answered {err.status_code}: "
                             f"{(str(body).splitlines() or [''])[0][:200]}") from None
        except errors.APIError as err:
            raise ModelError(f"server {self.base_url}: {type(err).__name__}: {str(err).splitlines()[0][:200]}") from None
        try:
            texts = [choice.message.content or "" for choice in reply.choices]
        except (AttributeError, TypeError):
            raise ModelError(f"server {self.base_url}: a reply without choices") from None
        if not texts:
            raise ModelError(f"server {self.base_url}: a reply without choices")
        return texts

    def generate(self, prompts: Sequence, n: int = 1, temperature: float = 0.0, max_new_tokens: int = 256,
                 seed: int = 0) -> list[list[str]]:
        out = []
        for messages in prompts:
            texts = self._ask(messages, n, temperature, max_new_tokens, seed)
            extra = 1
            while len(texts) < n:  # a server that gives one choice per request: ask again, next seed
                texts += self._ask(messages, n - len(texts), temperature, max_new_tokens, seed + extra)
                extra += 1
            out.append(texts[:n])
        return out
