#!/usr/bin/env bash
# The crash campaign at length (test/durable/campaign.ts): RUNS runs from SEED, each killing a real
# `loom proto` with SIGKILL one to three times during turns with shell calls, steering input and
# approvals, then resuming and checking the thread (vitest builds dist/ first). Prints the figures;
# exits 1 on any problem.
#   scripts/crash-campaign.sh [RUNS] [SEED]        (or LOOM_CRASH_RUNS / LOOM_CRASH_SEED)
set -euo pipefail
cd "$(dirname "$0")/.."
export LOOM_CRASH_RUNS="${1:-${LOOM_CRASH_RUNS:-100}}"
export LOOM_CRASH_SEED="${2:-${LOOM_CRASH_SEED:-13}}"
exec node node_modules/vitest/vitest.mjs run test/durable/crash-campaign.test.ts
