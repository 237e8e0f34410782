# A job that ignores SIGTERM (and so does its child): only SIGKILL ends it.
trap '' TERM
sleep 600 &
echo $$ > "$TRAINYARD_JOB_DIR/leader.pid"
echo "ignoring TERM"
while true; do wait; done
