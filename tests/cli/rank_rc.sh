#!/bin/sh
# Runs the command given and records this rank's exit code in $WB_RC_DIR/rc.RANK, so a
# test can check what every rank returned, not only what mpirun reports.
"$@"
rc=$?
echo "$rc" > "$WB_RC_DIR/rc.${OMPI_COMM_WORLD_RANK:-0}"
exit "$rc"
