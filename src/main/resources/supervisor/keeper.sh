# Trainyard job keeper: runs one job's program and records how it ended, durably, in the job's
# directory, so a server that stops, crashes or restarts meanwhile still learns the real exit status.
#
#   sh keeper.sh <job directory> <program> [arguments...]       (the server starts it with setsid)
#
# The program runs in a session (and process group) of its own, whose id is its pid: the server
# signals that group to cancel, so SIGTERM and a later SIGKILL reach the whole tree but not the
# keeper, which then records the status the signal caused (143, 137). The program's pid is the one
# line the keeper writes to its stdout; the program's output goes where the keeper's stderr goes
# (the job's log). A signal sent to the keeper itself is passed on to the job's group.
# Nothing here is built from user input: the arguments are the server's configured argument list.
dir=$1
shift
child=
# Set before the fork, so no signal can end the keeper unrecorded; the child starts with the defaults.
forward() {
  [ -n "$child" ] && kill -s "$1" -- "-$child" 2>/dev/null
  interrupted=1
}
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
setsid "$@" </dev/null 1>&2 &
child=$!
echo "$child"
# The shell's own notes ("Terminated") must not become the job's last log line.
exec 1>/dev/null 2>/dev/null
while :; do
  interrupted=
  wait "$child"
  code=$?
  # A trapped signal cuts wait short; wait again for the program's own status.
  [ -z "$interrupted" ] && break
done
# Temp file, then renamed: a reader finds the whole status or none. The keeper's exit is how a running
# server learns the status (and writes it to PostgreSQL), so it does not wait for the flush to disk:
# that runs after it, in the background, and only an OS crash within those milliseconds loses the file.
if printf '%s\n' "$code" >"$dir/.exit_status.tmp" && mv -f "$dir/.exit_status.tmp" "$dir/.exit_status"; then
  sync "$dir/.exit_status" "$dir" 2>/dev/null &
fi
exit "$code"
