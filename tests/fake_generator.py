"""A scripted generator for tests: returns canned completions, records what it was asked."""

from __future__ import annotations


class ScriptedGenerator:
    """``script`` maps a substring of the last user message to the completions to return (cycled to ``n``);
    ``default`` is used when nothing matches."""

    def __init__(self, script: dict[str, list[str]] | None = None, default: list[str] | None = None):
        self.script = script or {}
        self.default = default or ["SELECT 1"]
        self.calls: list[dict] = []

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
        out = []
        for messages in prompts:
            self.calls.append({"messages": messages, "n": n, "temperature": temperature})
            text = messages[-1]["content"]
            answers = next((v for k, v in self.script.items() if k in text), self.default)
            out.append([answers[i % len(answers)] for i in range(n)])
        return out
