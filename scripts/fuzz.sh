#!/usr/bin/env bash
# Runs every libFuzzer target (Sources/Fuzz*, logic in Sources/FuzzHarness) for SECONDS each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (default 30 seconds, every target)
#
# Builds with --sanitize=fuzzer,address into .build-fuzz (the fuzz targets exist only when
# SPACEPANDA_FUZZ is set, see Package.swift), fuzzes each target from a temporary copy of
# Fuzz/corpus/<target> so the repository corpus stays as committed, and writes crash, leak and
# timeout inputs to fuzz-artifacts/<target>/. Exits 1 when any target found something.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-30}"
shift || true
ALL_TARGETS=(FuzzMLSMessage FuzzKeyPackage FuzzRatchetTree FuzzWelcome FuzzGroupInfo
  FuzzPublicMessage FuzzPrivateMessage)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
SWIFT="${SWIFT:-swift}"
SCRATCH=.build-fuzz
export SPACEPANDA_FUZZ=1

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for target in "${TARGETS[@]}"; do
  echo "== building $target"
  if ! "$SWIFT" build --scratch-path "$SCRATCH" --sanitize=fuzzer --sanitize=address \
    --product "$target" >"$WORK/build.log" 2>&1; then
    # ld.gold warns about every ASan-local symbol it cannot export; that noise is not ours.
    grep -v "Cannot export local symbol" "$WORK/build.log" | tail -n 40 >&2
    echo "build of $target failed" >&2
    exit 2
  fi
  grep -E "(warning|error):" "$WORK/build.log" | grep -v "Cannot export local symbol" || true
done

failed=()
for target in "${TARGETS[@]}"; do
  corpus="$WORK/$target"
  artifacts="fuzz-artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "Fuzz/corpus/$target" ]; then cp -R "Fuzz/corpus/$target/." "$corpus/"; fi
  echo "== fuzzing $target for ${SECONDS_PER_TARGET}s (seeds: $(ls "$corpus" | wc -l))"
  # SWIFT_BACKTRACE=enable=no lets the trap reach libFuzzer, which then writes the artifact.
  if SWIFT_BACKTRACE=enable=no "$SCRATCH/debug/$target" "$corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$WORK/$target.log" 2>&1; then
    grep -E "DONE +cov:" "$WORK/$target.log" | tail -n 1 || true
    grep -E "^(Done|stat::peak_rss_mb)" "$WORK/$target.log" || true
  else
    echo "!! $target found a problem; log tail:" >&2
    tail -n 40 "$WORK/$target.log" >&2
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "targets with findings: ${failed[*]} (inputs in fuzz-artifacts/)" >&2
  exit 1
fi
echo "no findings"
