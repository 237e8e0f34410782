# A job for resource, time-limit and retry tests. Prints the devices it was given and its attempt;
# with batch_size 1 it fails until its third attempt, otherwise it sleeps `epochs` seconds.
echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
echo "attempt ${TRAINYARD_ATTEMPT:-1}"
bs=$(printf '%s' "$TRAINYARD_PARAMS" | grep -o '"batch_size":[0-9]*' | cut -d: -f2)
if [ "$bs" = "1" ]; then
  if [ "${TRAINYARD_ATTEMPT:-1}" -lt 3 ]; then echo "flaky failure on attempt ${TRAINYARD_ATTEMPT:-1}"; exit 3; fi
  echo "done"
  exit 0
fi
secs=$(printf '%s' "$TRAINYARD_PARAMS" | grep -o '"epochs":[0-9]*' | cut -d: -f2)
sleep "${secs:-1}"
echo "done"
