"""Generators: chat prompts in, n completions per prompt out, behind one small protocol.

    >>> gen = make_generator("auto", model="qwen2.5-coder-0.5b")        # llama.cpp if installed, else transformers
    >>> gen.generate([[{"role": "user", "content": "SQL for: how many singers?"}]])
    [['SELECT count(*) FROM singer']]

``n=1, temperature=0`` is greedy decoding; ``temperature > 0`` samples (pure temperature sampling: no top-k,
top-p or repetition penalty, on both backends). With ``temperature=0`` and ``n > 1`` the greedy completion is
repeated n times. Completions are raw text; `graphsql.inference.extract.extract_sql` turns them into SQL.

Two backends:
- `TransformersGenerator`: the HF model folder (+ optional peft adapter), the same loading and chat-template
  code the training stage uses (`load_model`, `load_tokenizer`, `render_chat`). Batches prompts of similar length.
- `LlamaCppGenerator`: the GGUF file (+ optional LoRA converted to GGUF with `convert_lora_to_gguf`).
  Prompts are run in sorted order of their rendered text, so prompts that share a schema prefix run back to back
  and llama.cpp reuses the KV cache of the common prefix.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from graphsql.config import cache_dir
from graphsql.errors import ConfigError
from graphsql.inference.models import DEFAULT_MODEL, ModelError, resolve_model

log = logging.getLogger(__name__)

# OpenMP worker threads (torch's and llama.cpp's; torch loads its runtime globally, so llama.cpp shares it) spin
# while idle by default. With both libraries in one process, or other processes on the CPU, that made llama.cpp
# 4-40x slower on our 2-core machine. PASSIVE lets idle threads sleep. It only works if set before torch or
# llama_cpp is imported, hence here at import time; an explicit OMP_WAIT_POLICY in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

Messages = list[dict[str, str]]
BACKENDS = ("auto", "transformers", "llama.cpp")


@runtime_checkable
class Generator(Protocol):
    """Anything that turns chat prompts into ``n`` completions each."""

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
    ) -> list[list[str]]:
        """One list of ``n`` completion strings per prompt, in prompt order."""
        ...


def _check_args(n: int, temperature: float, max_new_tokens: int) -> None:
    if n < 1:
        raise ConfigError(f"n must be >= 1, got {n}")
    if temperature < 0:
        raise ConfigError(f"temperature must be >= 0, got {temperature}")
    if max_new_tokens < 1:
        raise ConfigError(f"max_new_tokens must be >= 1, got {max_new_tokens}")


# ----------------------------------------------------------------------------------------- transformers


def load_tokenizer(model_path: str | Path) -> Any:
    """The tokenizer of an HF model folder (or Hub id), set up for left-padded batch generation."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return tokenizer


def render_chat(tokenizer: Any, messages: Messages, add_generation_prompt: bool = True) -> str:
    """Chat messages as the model's prompt text (its own chat template), ending with the assistant header."""
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=add_generation_prompt
    )


def load_model(
    model_path: str | Path,
    adapter_path: str | Path | None = None,
    dtype: str | None = "bfloat16",
    device: str | None = None,
    merge_adapter: bool = True,
) -> Any:
    """An HF causal LM in eval mode on `pick_device(device)`, with a peft adapter applied if given.

    ``merge_adapter`` folds the LoRA weights into the base (faster generation); training keeps it False.
    """
    from transformers import AutoModelForCausalLM

    from graphsql.device import pick_device, resolve_dtype

    torch_device = pick_device(device)
    torch_dtype = resolve_dtype(dtype, torch_device)
    model = AutoModelForCausalLM.from_pretrained(str(model_path), dtype=torch_dtype)
    if adapter_path is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter_path))
        if merge_adapter:
            model = model.merge_and_unload()
    return model.to(torch_device).eval()


class TransformersGenerator:
    """Generation with transformers; ``model_path`` is an HF folder or Hub id, ``adapter_path`` a peft folder."""

    def __init__(
        self,
        model_path: str | Path,
        adapter_path: str | Path | None = None,
        dtype: str | None = "bfloat16",
        device: str | None = None,
        batch_size: int = 8,
    ) -> None:
        self.tokenizer = load_tokenizer(model_path)
        self.model = load_model(model_path, adapter_path, dtype, device)
        self.device = self.model.device
        self.batch_size = batch_size
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None:
            eos_ids.add(self.tokenizer.eos_token_id)
        self.eos_token_ids = sorted(eos_ids)

    def _generation_config(self, n: int, temperature: float, max_new_tokens: int) -> Any:
        from transformers import GenerationConfig

        sample = temperature > 0
        return GenerationConfig(
            max_new_tokens=max_new_tokens,
            do_sample=sample,
            temperature=temperature if sample else None,
            top_k=0 if sample else None,
            top_p=1.0 if sample else None,
            num_return_sequences=n if sample else 1,
            eos_token_id=self.eos_token_ids,
            pad_token_id=self.tokenizer.pad_token_id,
        )

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
    ) -> list[list[str]]:
        import torch

        _check_args(n, temperature, max_new_tokens)
        texts = [render_chat(self.tokenizer, messages) for messages in prompts]
        ids = [self.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))  # similar lengths share a batch
        config = self._generation_config(n, temperature, max_new_tokens)
        per_prompt = config.num_return_sequences
        results: list[list[str]] = [[] for _ in prompts]
        torch.manual_seed(seed)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            enc = self.tokenizer.pad(
                {"input_ids": [ids[i] for i in batch]}, padding=True, return_tensors="pt"
            )
            enc = {k: v.to(self.device) for k, v in enc.items()}
            with torch.inference_mode():
                out = self.model.generate(**enc, generation_config=config)
            new = out[:, enc["input_ids"].shape[1] :]
            decoded = self.tokenizer.batch_decode(new, skip_special_tokens=True)
            for j, i in enumerate(batch):
                results[i] = [d.strip() for d in decoded[j * per_prompt : (j + 1) * per_prompt]]
        if per_prompt != n:
            results = [r * n for r in results]
        return results


# -------------------------------------------------------------------------------------------- llama.cpp


def render_gguf_chat(template: str, messages: Messages, bos_token: str = "", eos_token: str = "") -> str:
    """Render chat messages with a GGUF's Jinja chat template (sandboxed, HF's whitespace settings)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise ConfigError(f"chat template: {message}")

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(
        messages=messages, add_generation_prompt=True, bos_token=bos_token, eos_token=eos_token
    )


class LlamaCppGenerator:
    """Generation with llama.cpp (llama-cpp-python) from a GGUF file, optionally with a GGUF LoRA adapter.

    ``n_threads`` defaults to all CPUs. Keep ``OMP_WAIT_POLICY=PASSIVE`` (set when this module is imported,
    see above) or llama.cpp slows down badly next to torch or other busy processes.
    """

    def __init__(
        self,
        gguf_path: str | Path,
        lora_path: str | Path | None = None,
        n_ctx: int = 2048,
        n_threads: int | None = None,
    ) -> None:
        if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
            log.warning(
                "OMP_WAIT_POLICY is not PASSIVE: llama.cpp may run several times slower on a busy CPU"
            )
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise ConfigError(
                "the llama.cpp backend needs llama-cpp-python: pip install llama-cpp-python"
            ) from err
        self.gguf_path = Path(gguf_path)
        self.n_ctx = n_ctx
        with _quiet_native_stderr():  # llama.cpp logs every LoRA tensor it places, even with verbose=False
            self.llm = Llama(
                model_path=str(gguf_path),
                lora_path=str(lora_path) if lora_path else None,
                n_ctx=n_ctx,
                n_threads=n_threads or os.cpu_count() or 1,
                seed=0,
                verbose=False,
            )
        self.template = self.llm.metadata.get("tokenizer.chat_template")
        if not self.template:
            raise ModelError(f"{gguf_path}: the GGUF has no tokenizer.chat_template")
        self.add_bos = self.llm._model.add_bos_token()
        self.bos_token = self.llm.detokenize([self.llm.token_bos()], special=True).decode("utf-8", "replace")
        self.eos_token = self.llm.detokenize([self.llm.token_eos()], special=True).decode("utf-8", "replace")

    def close(self) -> None:
        """Free the model and context now (llama-cpp-python otherwise does it at interpreter exit, noisily)."""
        self.llm.close()

    def render(self, messages: Messages) -> str:
        """The prompt text for one chat, from the GGUF's own chat template."""
        return render_gguf_chat(self.template, messages, self.bos_token, self.eos_token)

    def _complete(self, tokens: list[int], temperature: float, max_new_tokens: int, seed: int) -> str:
        room = self.n_ctx - len(tokens)
        if room < 1:
            raise ModelError(f"{self.gguf_path.name}: prompt has {len(tokens)} tokens, n_ctx is {self.n_ctx}")
        out = self.llm.create_completion(
            tokens,
            max_tokens=min(max_new_tokens, room),
            temperature=temperature,
            top_k=0,
            top_p=1.0,
            min_p=0.0,
            typical_p=1.0,
            repeat_penalty=1.0,
            seed=seed,
        )
        return out["choices"][0]["text"].strip()

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
    ) -> list[list[str]]:
        _check_args(n, temperature, max_new_tokens)
        texts = [self.render(messages) for messages in prompts]
        results: list[list[str]] = [[] for _ in prompts]
        # Sorted text puts prompts with a shared prefix (same system text and schema) next to each other; llama.cpp
        # keeps the KV cache of the longest common token prefix with the previous call.
        for i in sorted(range(len(texts)), key=lambda i: texts[i]):
            tokens = self.llm.tokenize(texts[i].encode("utf-8"), add_bos=self.add_bos, special=True)
            if temperature == 0:
                results[i] = [self._complete(tokens, 0.0, max_new_tokens, seed)] * n
            else:
                results[i] = [self._complete(tokens, temperature, max_new_tokens, seed + k) for k in range(n)]
        return results


# ------------------------------------------------------------------------------------- LoRA -> GGUF


@contextlib.contextmanager
def _quiet_native_stderr():
    """Send what native code writes to file descriptor 2 to /dev/null for the duration (Python's own
    exceptions still propagate with their messages)."""
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some test runners): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _llama_cpp_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:
        raise ConfigError("llama-cpp-python is not installed: pip install llama-cpp-python") from None


def _is_converter_file(name: str) -> bool:
    """Sdist members the converter scripts need: vendor/llama.cpp/*.py, gguf-py/ and conversion/."""
    parts = name.split("/")
    if len(parts) < 4 or parts[1:3] != ["vendor", "llama.cpp"]:
        return False
    return (len(parts) == 4 and name.endswith(".py")) or parts[3] in ("gguf-py", "conversion")


def find_lora_converter(download: bool = True, cache: Path | None = None, sdist: Path | None = None) -> Path:
    """Path of llama.cpp's ``convert_lora_to_gguf.py`` matching the installed llama-cpp-python.

    The script (with its ``gguf-py`` and ``convert_hf_to_gguf.py`` neighbours) is unpacked from the package's
    sdist into ``<cache>/llama-cpp-python-<version>/``; the sdist is fetched with ``pip download`` when
    ``download`` is true (about a minute: pip prepares the sdist's metadata), or taken from ``sdist`` if given.
    Raises `ConfigError` if it cannot be had.
    """
    ver = _llama_cpp_version()
    root = (cache or cache_dir()) / f"llama-cpp-python-{ver}"
    script = root / "vendor" / "llama.cpp" / "convert_lora_to_gguf.py"
    if script.is_file():
        return script
    if not download and sdist is None:
        raise ConfigError(f"{script}: llama.cpp LoRA converter not unpacked yet")
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        if sdist is not None:
            shutil.copy(sdist, tmp)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            tmp,
            f"llama-cpp-python=={ver}",
        ]
        reason = f"{sdist} is not llama_cpp_python-{ver}.tar.gz"
        if sdist is None:
            proc = subprocess.run(cmd, capture_output=True, text=True)
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            reason = f"pip download llama-cpp-python=={ver} (sdist) failed: {lines[-1] if lines else '?'}"
        sdists = list(Path(tmp).glob(f"llama_cpp_python-{ver}.tar.gz"))
        if not sdists:
            raise ConfigError(reason)
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(sdists[0]) as tar:
            wanted = [m for m in tar.getmembers() if _is_converter_file(m.name)]
            tar.extractall(unpacked, members=wanted, filter="data")
        top = next(unpacked.iterdir())
        shutil.rmtree(root, ignore_errors=True)
        os.replace(top, root)
    if not script.is_file():
        raise ConfigError(f"{sdists[0].name}: has no vendor/llama.cpp/convert_lora_to_gguf.py")
    return script


def convert_lora_to_gguf(
    adapter_dir: str | Path,
    base_hf_dir: str | Path,
    out_path: str | Path,
    outtype: str = "f16",
    converter: Path | None = None,
) -> Path:
    """Convert a peft LoRA folder to a llama.cpp GGUF adapter with llama.cpp's own converter script.

    ``base_hf_dir`` is the HF folder the adapter was trained on (e.g. ``fetch_model().hf_path``). Writes
    ``out_path`` (via a temp file) and returns it; raises `ModelError` if the converter fails. ``converter``
    is the script's path (default: `find_lora_converter`, which may download the sdist once).
    """
    script = converter or find_lora_converter()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    cmd = [
        sys.executable,
        str(script),
        "--base",
        str(base_hf_dir),
        "--outfile",
        str(tmp),
        "--outtype",
        outtype,
        str(adapter_dir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        lines = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        raise ModelError(
            f"{adapter_dir}: LoRA to GGUF conversion failed: {lines[-1] if lines else proc.returncode}"
        )
    os.replace(tmp, out_path)
    return out_path


def _adapter_gguf(adapter: Path, base_hf_dir: Path) -> Path:
    """A GGUF version of a peft adapter, converted once and cached by the adapter weights' sha256."""
    if adapter.is_file() and adapter.suffix == ".gguf":
        return adapter
    weights = adapter / "adapter_model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{adapter}: no adapter_model.safetensors (is this a peft adapter folder?)")
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    out = cache_dir() / "lora_gguf" / f"{digest}.gguf"
    if not out.is_file():
        convert_lora_to_gguf(adapter, base_hf_dir, out)
    return out


def has_llama_cpp() -> bool:
    """True if llama-cpp-python can be imported."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def _has_cuda() -> bool:
    """CUDA present? Asks torch only if it is already imported: importing it here would slow llama.cpp."""
    if "torch" in sys.modules:
        return sys.modules["torch"].cuda.is_available()
    return shutil.which("nvidia-smi") is not None


def make_generator(
    backend: str = "auto", model: str | Path = DEFAULT_MODEL, adapter: str | Path | None = None, **kwargs: Any
) -> Generator:
    """A generator for ``model`` (short name, folder, ``.gguf`` or Hub id) with an optional adapter.

    ``backend="auto"`` picks llama.cpp when it is installed, the model has a GGUF and no GPU is present (about
    3x faster than transformers on CPU); otherwise transformers. A peft adapter is converted to GGUF for llama.cpp
    (cached). Extra keyword arguments go to the generator's constructor.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    files = resolve_model(model)
    if backend == "auto":
        usable = has_llama_cpp() and files.gguf_path is not None and not _has_cuda()
        if adapter is not None and not (Path(adapter).suffix == ".gguf" or isinstance(files.hf_path, Path)):
            usable = False  # converting a LoRA needs the local HF base folder
        backend = "llama.cpp" if usable else "transformers"
    log.info("generator backend: %s, model: %s, adapter: %s", backend, files.name, adapter)
    if backend == "llama.cpp":
        if files.gguf_path is None:
            raise ModelError(f"{model}: no GGUF file for the llama.cpp backend")
        lora = None
        if adapter is not None:
            if files.hf_path is None:
                raise ModelError(f"{model}: converting a LoRA to GGUF needs the model's HF folder")
            lora = _adapter_gguf(Path(adapter), Path(files.hf_path))
        return LlamaCppGenerator(files.gguf_path, lora_path=lora, **kwargs)
    if files.hf_path is None:
        raise ModelError(f"{model}: no transformers model folder (only a GGUF); fetch it by its short name")
    return TransformersGenerator(files.hf_path, adapter_path=adapter, **kwargs)
