#!/usr/bin/env bash
# Runs the fuzz targets built in build-fuzz/ (make fuzz / make fuzz-smoke).
#   tests/fuzz/run.sh SECONDS [TARGET...]     default: every target
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>/,
# read only) plus what earlier runs found (build-fuzz/corpus/<target>/, where
# new inputs go). A crash, leak, UB report or broken invariant leaves the
# input in build-fuzz/artifacts/<target>/ and makes this script fail. One
# line per target: executions, coverage (libFuzzer's cov and ft), seconds.
# FUZZ_SEED=N fixes libFuzzer's random seed (the smoke run uses 1, so that CI
# replays the same mutations); unset, each run explores afresh.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$t" .cpp)"); done
fi

failed=()
printf '%-24s %12s %8s %8s %6s  %s\n' target executions cov ft secs result
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t" "$build/logs" "tests/fuzz/corpus/$t"
  log="$build/logs/$t.log"
  start=$(date +%s)
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: memory is bounded.
  seed_flag=()
  if [ -n "${FUZZ_SEED:-}" ]; then seed_flag=(-seed="$FUZZ_SEED"); fi
  "$build/fuzz/$t" "${seed_flag[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t/" "$build/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  line=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
  result=ok
  if [ $rc -ne 0 ]; then result="FAILED (exit $rc, see $log)"; failed+=("$t"); fi
  printf '%-24s %12s %8s %8s %6s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$secs" "$result"
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  for t in "${failed[@]}"; do grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$build/logs/$t.log" | head -5 >&2; done
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each, no failure"
