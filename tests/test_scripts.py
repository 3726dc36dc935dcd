"""The experiment scripts parse, and every graphsql command, config and variant they name exists."""

import re
import subprocess
from pathlib import Path

import pytest

from graphsql.config import REPO_ROOT
from graphsql.experiments.bird_schema import variant_settings
from graphsql.experiments.variants import VARIANTS

SCRIPTS = sorted((REPO_ROOT / "scripts").glob("*.sh"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_script_parses_and_names_real_configs_and_variants(script):
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    for config in re.findall(r"configs/[\w.-]+\.yaml", text):
        assert (REPO_ROOT / config).is_file(), config
    for group in re.findall(r"--variants ([\w,]+)", text):
        for name in group.split(","):
            assert name in VARIANTS, name
    for name in re.findall(r"--variant (\w+)", text):  # bird_schema also takes few-shot variants + _bird
        assert name in VARIANTS or variant_settings(name, Path("demos.json"))[0]["shot_pool"] == "demos.json", name


def test_declared_sample_sets_map_to_configs_and_switches():
    """experiments.yaml's sample sets (what `graphsql run --sample-set` and the training steps build): real configs,
    real augmentation names, and the ablations switch off what their names say."""
    from graphsql.augment.build import KNOWN_AUGMENTATIONS
    from graphsql.experiments.registry import load_registry
    from graphsql.experiments.runner import sample_set_step

    registry = load_registry()
    for name, spec in registry.sample_sets.items():
        assert (REPO_ROOT / spec.config).is_file(), (name, spec.config)
        assert set(spec.without) <= set(KNOWN_AUGMENTATIONS), name
    step = sample_set_step(registry, "graph_no_table_selection_join_path")
    assert step.command == ("graphsql augment --config configs/augment_graph_balanced.yaml --out "
                            "runs/augment/graph_no_table_selection_join_path --tokenizer qwen2.5-coder-0.5b "
                            "--without table_selection --without join_path")
    assert len(registry.sample_set("graph_no_augmentation").without) == 5
    assert not registry.sample_set("graph_unseen").without
    for run, kept in (("graph_demos", "demonstrations"), ("graph_reword", "reword"), ("graph_rename", "rename")):
        assert set(registry.sample_set(run).without) == {"demonstrations", "reword", "rename"} - {kept}, run
    for tag, spec in registry.models.items():  # every trained model names a real training config
        if spec.train is not None:
            assert (REPO_ROOT / spec.train.config).is_file(), (tag, spec.train.config)


def test_experiment_recipes_name_real_scripts_and_configs():
    from graphsql.experiments.registry import load_registry

    for tag, spec in load_registry().models.items():
        for path in re.findall(r"(?:scripts|configs)/[\w.-]+\.(?:sh|yaml)", spec.recipe):
            assert (REPO_ROOT / path).is_file(), (tag, path)


def test_llama_build_flags_follow_the_cpu_and_never_enable_amx(tmp_path):
    """scripts/llama_cmake_args.sh (used by `make demo`): the instruction sets /proc/cpuinfo lists, native builds
    and AMX off (AMX code died with SIGILL on a VM whose CPU lists it); nothing on a non-x86 machine."""
    def args(flags, arch="x86_64"):
        cpuinfo = tmp_path / "cpuinfo"
        cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
        out = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "llama_cmake_args.sh")], capture_output=True,
                             text=True, check=True, env={"CPUINFO": str(cpuinfo), "ARCH": arch, "PATH": "/usr/bin:/bin"})
        return out.stdout.split()

    amx = args("fpu sse4_2 avx avx2 fma f16c bmi2 avx512f avx512_bf16 amx_tile amx_int8 amx_bf16")
    assert "-DGGML_NATIVE=OFF" in amx and "-DGGML_AVX512=ON" in amx and "-DGGML_AVX512_BF16=ON" in amx
    assert "-DGGML_AVX512_VNNI=OFF" in amx and not any("AMX" in a for a in amx)
    plain = args("fpu sse4_2 avx avx2 fma f16c")
    assert "-DGGML_AVX2=ON" in plain and "-DGGML_AVX512=OFF" in plain and "-DGGML_BMI2=OFF" in plain
    assert args("fp asimd", arch="aarch64") == []
