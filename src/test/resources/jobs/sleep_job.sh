# A job that just takes a while: holds its slot for `epochs` seconds.
secs=$(printf '%s' "$TRAINYARD_PARAMS" | grep -o '"epochs":[0-9]*' | cut -d: -f2)
echo "stage: loading $TRAINYARD_JOB_ID for ${secs:-1}s"
sleep "${secs:-1}"
echo "done"
