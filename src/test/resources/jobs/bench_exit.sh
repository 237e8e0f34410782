# Benchmark job for PushBench (exit -> job_status_changed latency). Holds its slot for
# TRAINYARD_DEMO_STEP_MS ms (the bench sets jobs.demo_step_ms), then, as its very last act, writes the
# wall-clock time in ns to $TRAINYARD_JOB_DIR/exit_ns and exits 0.
# The stamp comes from bash's builtin $EPOCHREALTIME (bash >= 5, microseconds, no fork, so it is taken
# right before the write and the exit); `date +%s%N` is the fallback for an older bash.
hold_ms=${TRAINYARD_DEMO_STEP_MS:-200}
sleep "$(printf '%d.%03d' $((hold_ms / 1000)) $((hold_ms % 1000)))"
if [[ -n "${EPOCHREALTIME:-}" ]]; then
  printf '%s000\n' "${EPOCHREALTIME//[.,]/}" > "$TRAINYARD_JOB_DIR/exit_ns"
else
  date +%s%N > "$TRAINYARD_JOB_DIR/exit_ns"
fi
exit 0
