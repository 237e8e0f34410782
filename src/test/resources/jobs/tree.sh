# A job whose program starts a child, which starts a grandchild; records all three pids.
bash -c 'sleep 600 & echo $! > "$TRAINYARD_JOB_DIR/grandchild.pid"; wait' &
echo $! > "$TRAINYARD_JOB_DIR/child.pid"
echo $$ > "$TRAINYARD_JOB_DIR/leader.pid"
echo "step 1/10 tree started"
wait
