# A job for the restart fault tests. It records every start of itself (a job must never run twice),
# then by its `epochs`:
#   < 10     exits at once with epochs % 4, leaving a model (a queued job that runs after the restart);
#   10..99   waits until the test creates `go` in its directory, then exits with epochs % 4; meanwhile
#            prints (once) what the test writes to `say` there, e.g. a progress line;
#   >= 100   runs a tree (itself, a child, a grandchild; pids in *.pid) until it is stopped.
echo "start $$" >> "$TRAINYARD_JOB_DIR/starts"
epochs=$(printf '%s' "$TRAINYARD_PARAMS" | grep -o '"epochs":[0-9]*' | cut -d: -f2)
echo "step 1/2 epochs=$epochs"
if [ "$epochs" -ge 100 ]; then
  bash -c 'sleep 600 & echo $! > "$TRAINYARD_JOB_DIR/grandchild.pid"; wait' &
  echo $! > "$TRAINYARD_JOB_DIR/child.pid"
  echo $$ > "$TRAINYARD_JOB_DIR/leader.pid"
  wait
fi
if [ "$epochs" -ge 10 ]; then
  while [ ! -e "$TRAINYARD_JOB_DIR/go" ]; do
    if [ -e "$TRAINYARD_JOB_DIR/say" ]; then
      cat "$TRAINYARD_JOB_DIR/say"
      rm -f "$TRAINYARD_JOB_DIR/say"
    fi
    sleep 0.1
  done
fi
echo '{"weights": []}' > "$TRAINYARD_JOB_DIR/model.json"
echo "step 2/2 done"
exit $((epochs % 4))
