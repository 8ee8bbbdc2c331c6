set -u
cd "$(dirname "$0")" 2>/dev/null || true
TIME_BUDGET=220 ROUNDS=2 BENCH=20 bash bench/experiments/fp8-overlap-run.sh
bash bench/experiments/ragged-decode-baseline.sh
