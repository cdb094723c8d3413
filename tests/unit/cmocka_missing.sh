#!/bin/sh
# Run by make check only in a tree configured without cmocka: the unit tests were not
# built, and a green summary must not hide that.
echo "unit tests not built: cmocka was missing when this tree was configured; install libcmocka-dev (scripts/install-deps.sh test) and rerun configure" >&2
exit 1
