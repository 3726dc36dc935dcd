"""The experiment scripts parse, and every graphsql command, config and variant they name exists."""

import re
import subprocess

import pytest

from graphsql.config import REPO_ROOT
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
    for name in re.findall(r"--variant (\w+)", text):
        assert name in VARIANTS, name
