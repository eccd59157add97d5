#!/usr/bin/env bash
# Fuzz every target (or those named) for SECONDS each, one after another:
#   fuzz/run.sh [-t SECONDS] [TARGET ...]
# Needs cargo-fuzz and a nightly toolchain. Grown corpora go to fuzz/corpus/<target>/ (not
# committed), crashes to fuzz/artifacts/<target>/; copy a fixed crash into
# fuzz/regressions/<target>/ so the smoke test keeps replaying it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=600
if [[ "${1:-}" == "-t" ]]; then seconds=$2; shift 2; fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -O >/dev/null
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: ${seconds}s"
    cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
        | grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==|SUMMARY|thread .* panicked|Test unit written|artifact_prefix)' || true
done
