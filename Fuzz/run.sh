#!/usr/bin/env bash
# Builds the libFuzzer harnesses (release, -sanitize=fuzzer,address, into .build-fuzz so the normal
# .build is untouched) and runs each for SECONDS (default 5) on a copy of its seed corpus.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]     targets: http-decoder json xml-body workflow-definition multipart cookies descriptor operations package zip gateway-credentials
#   FUZZ_ARGS="-runs=10000000" Fuzz/run.sh 0 json     extra libFuzzer flags (SECONDS=0: no time limit)
#
# Exits non-zero when a harness finds a crash, a leak, a timeout or an out-of-memory input; the
# input is kept in Fuzz/artifacts/<target>/. New corpus entries go to .build-fuzz/corpus/<target>/
# (copy the interesting, small ones into Fuzz/corpus/<target>/ to keep them).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-5}"
shift || true
all=(http-decoder json xml-body workflow-definition multipart cookies descriptor operations package zip gateway-credentials)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

scratch=.build-fuzz
for target in "${targets[@]}"; do
    [ -d "Fuzz/corpus/$target" ] || { echo "unknown fuzz target: $target (known: ${all[*]})" >&2; exit 2; }
done

mkdir -p "$scratch"
# One product per build: SwiftPM builds only the last of several --product flags. (ld.gold warns
# about every ASan-instrumented object; those lines are dropped.)
for target in "${targets[@]}"; do
    echo "building fuzz-$target (release, fuzzer+address sanitizer, $scratch)"
    if ! AKANA_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "fuzz-$target" >"$scratch/build.log" 2>&1; then
        grep -v "Cannot export local symbol" "$scratch/build.log" | tail -40 >&2
        exit 1
    fi
done
bin="$(AKANA_FUZZ=1 swift build -c release --scratch-path "$scratch" --show-bin-path)"

# Suppressed leaks: the toolchain's (FoundationXML, per XML parse error) and ZIPFoundation's (a path
# string per archive read from a file): see Fuzz/lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

status=0
for target in "${targets[@]}"; do
    binary="$bin/fuzz-$target"
    [ -x "$binary" ] || { echo "fuzz-$target was not built" >&2; exit 1; }
    work="$scratch/corpus/$target"
    artifacts="Fuzz/artifacts/$target"
    mkdir -p "$work" "$artifacts"
    time_flag=()
    [ "$seconds" != "0" ] && time_flag=(-max_total_time="$seconds")
    echo "== fuzz-$target ${seconds}s"
    # -timeout: one input taking longer than 10 s is a failure (the parsers are linear); -rss_limit_mb: so is 2 GB.
    # shellcheck disable=SC2086  # FUZZ_ARGS is split on purpose
    if ! "$binary" "${time_flag[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
            -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$work" "Fuzz/corpus/$target" \
            >"$scratch/fuzz-$target.log" 2>&1; then
        echo "fuzz-$target FAILED:" >&2
        grep -E "ERROR|SUMMARY|Test unit written|panic|Fatal error|==[0-9]+==" "$scratch/fuzz-$target.log" | head -20 >&2
        status=1
    fi
    { grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|Done [0-9]+ runs" "$scratch/fuzz-$target.log" || true; } | tr '\n' ' '
    echo
done
exit $status
