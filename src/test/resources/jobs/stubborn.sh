# A job that survives SIGTERM (and so does its child): only SIGKILL ends it. It says when its trap is
# in place ("ignoring TERM") and each time a SIGTERM arrives ("got TERM"), so tests can wait for both.
trap 'echo "got TERM, ignoring it"' TERM
# The child ignores TERM outright (an ignored signal stays ignored across exec).
(trap '' TERM; exec sleep 600) &
echo $$ > "$TRAINYARD_JOB_DIR/leader.pid"
echo "ignoring TERM"
# A trapped signal interrupts wait; the loop goes back to waiting.
while true; do wait; done
