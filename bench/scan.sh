#!/usr/bin/env bash
# Scan times: generate monorepos with genrepo.py (fixed seeds) and time `strata scan` on each
# cold (no cache: median wall time, files per second, peak RSS), warm (nothing changed) and
# after one file changed (both with the cache under .strata/).
#
#   bench/scan.sh [SIZES...]          default: 3000 10000 50000
#
# Env: RUNS (default 5), SEED (default 7), GENREPO (path to genrepo.py),
#      CORPORA (where corpora are kept between runs; default target/bench-corpora).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
genrepo=${GENREPO:-$repo/../shared/bench/genrepo.py}
corpora=${CORPORA:-$repo/target/bench-corpora}
runs=${RUNS:-5}
seed=${SEED:-7}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(3000 10000 50000)

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p strata
strata=$repo/target/release/strata
mkdir -p "$corpora"

printf '%s cores; %s runs each; strata %s\n' "$(nproc)" "$runs" "$("$strata" --version | cut -d' ' -f2)"
printf '| files | cold (s) | files/s | peak RSS (MiB) | warm (s) | one file changed (s) |\n|---:|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  dir=$corpora/mono-$n-s$seed
  if [ ! -f "$dir/.truth/truth.json" ]; then
    python3 "$genrepo" --out "$dir" --files "$n" --seed "$seed" --jobs 2 >/dev/null
  fi
  times=()
  rss=0
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f '%e %M' "$strata" --no-cache scan --root "$dir" --quiet >/dev/null; } 2>&1 | tail -1)
    times+=("${out% *}")
    r=${out#* }
    [ "$r" -gt "$rss" ] && rss=$r
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  # Warm: the cache is written, then left alone long enough for its times to be trusted.
  rm -rf "$dir/.strata"
  "$strata" scan --root "$dir" --quiet >/dev/null
  sleep 2.5
  "$strata" scan --root "$dir" --quiet >/dev/null
  warm=()
  changed=()
  victim=$(find "$dir/py" -name '*.py' | sort | sed -n 1p)
  for _ in $(seq "$runs"); do
    warm+=("$( { /usr/bin/time -f '%e' "$strata" scan --root "$dir" --quiet >/dev/null; } 2>&1 | tail -1)")
    printf '\n# touched\n' >> "$victim"
    changed+=("$( { /usr/bin/time -f '%e' "$strata" scan --root "$dir" --quiet >/dev/null; } 2>&1 | tail -1)")
    sleep 2.5
    "$strata" scan --root "$dir" --quiet >/dev/null
  done
  warm_median=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  changed_median=$(printf '%s\n' "${changed[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  files=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'])" "$dir/.truth/truth.json")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$files" "$median" \
    "$(awk -v f="$files" -v t="$median" 'BEGIN { printf "%d", (t > 0 ? f / t : 0) }')" \
    "$(awk -v r="$rss" 'BEGIN { printf "%.0f", r / 1024 }')" "$warm_median" "$changed_median"
done
