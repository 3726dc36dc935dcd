"""The adapters committed under models/ are complete: peft files, prompt settings graphsql can read, fp16 weights
of the configured rank, and a model card. (No base weights are loaded.)"""

import json

import pytest
import yaml

from graphsql.config import ADAPTER_CONFIG_FILE, REPO_ROOT, PromptConfig

SHIPPED = sorted(p for p in (REPO_ROOT / "models").glob("*") if p.is_dir()) if (REPO_ROOT / "models").is_dir() else []


@pytest.mark.skipif(not SHIPPED, reason="no adapter committed under models/ yet")
@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_adapter_is_complete(folder):
    from safetensors import safe_open

    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["r"] >= 1
    assert not str(config.get("base_model_name_or_path", "")).startswith("/")  # no local paths in git
    settings = yaml.safe_load((folder / ADAPTER_CONFIG_FILE).read_text())
    PromptConfig(**settings["prompt"])  # valid prompt settings
    with safe_open(str(folder / "adapter_model.safetensors"), framework="pt") as fh:
        keys = list(fh.keys())
        assert keys and all(".lora_A." in k or ".lora_B." in k for k in keys)
        a = next(k for k in keys if ".lora_A." in k)
        tensor = fh.get_tensor(a)
        assert str(tensor.dtype) == "torch.float16" and tensor.shape[0] == config["r"]
    card = (folder / "README.md").read_text()
    assert "quantized twice" in card or "Q4_1" in card  # where the base weights came from

