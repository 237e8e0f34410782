# Benchmark job for PushBench (log line -> job_log latency). Prints "warmup <n>" lines every 50 ms until
# the bench drops $TRAINYARD_JOB_DIR/go (every client is registered and receiving; at most 60 s), then
# `tick <n> <wall-clock ns>` lines, `epochs` of them (from TRAINYARD_PARAMS), one every
# TRAINYARD_DEMO_STEP_MS ms (the bench sets jobs.demo_step_ms), then "done".
# Each line is one write(2) of the builtin printf; the stamp is bash's $EPOCHREALTIME (bash >= 5,
# microseconds, no fork) taken as the line is written, or `date +%s%N` on an older bash.
n=$(printf '%s' "$TRAINYARD_PARAMS" | grep -o '"epochs":[0-9]*' | cut -d: -f2)
n=${n:-250}
step_ms=${TRAINYARD_DEMO_STEP_MS:-25}
step=$(printf '%d.%03d' $((step_ms / 1000)) $((step_ms % 1000)))
w=0
while [[ ! -e "$TRAINYARD_JOB_DIR/go" ]] && (( w < 1200 )); do
  printf 'warmup %d\n' "$w"
  w=$((w + 1))
  sleep 0.05
done
if [[ -n "${EPOCHREALTIME:-}" ]]; then
  for ((i = 1; i <= n; i++)); do
    sleep "$step"
    printf 'tick %d %s000\n' "$i" "${EPOCHREALTIME//[.,]/}"
  done
else
  for ((i = 1; i <= n; i++)); do
    sleep "$step"
    printf 'tick %d %s\n' "$i" "$(date +%s%N)"
  done
fi
printf 'done\n'
