#!/bin/sh
# --verbose ([run] verbose): the one error line from rank 0 ends with " (FILE:LINE)", FILE
# a source file of the tree, LINE within it, whether verbose comes before or after the bad
# option, as -v or from the INI file; the rest of the line and the exit codes (2 on every
# rank for a usage error, 3 for a failed check) are those of a run without it, whose line
# carries no location. At np 1 and 2.
. "$WB_SRCDIR/tests/lib/common.sh"

out="$scratch/out"
mkdir -p "$out"
ini="$scratch/verbose.ini"
printf '[run]\nverbose = true\n' > "$ini"

# one_line TAG: line= the run's only stderr line; a failure when there is not one.
one_line() {
    n=$(grep -c . "$scratch/$1.err")
    [ "$n" -eq 1 ] || { fail "$1: $n error lines, not 1: $(cat "$scratch/$1.err")"; return 1; }
    line=$(grep . "$scratch/$1.err")
}

# located TAG PLAIN FILE: the line of run TAG is PLAIN followed by " (FILE:LINE)".
located() {
    one_line "$1" || return
    case $line in
        "$2 ($3:"*")") ;;
        *) fail "$1: '$line' is not '$2 ($3:LINE)'"; return ;;
    esac
    at=${line##*:}
    at=${at%)}
    case $at in '' | *[!0-9]*) fail "$1: '$at' is not a line number"; return ;; esac
    [ -f "$WB_SRCDIR/$3" ] || { fail "$1: $3 is not a file of the source tree"; return; }
    if [ "$at" -lt 1 ] || [ "$at" -gt "$(wc -l < "$WB_SRCDIR/$3")" ]; then
        fail "$1: line $at is not in $3"
    fi
}

for np in 1 2; do
    # A usage error: the option parser raises it.
    wb_mpi_each "$np" plain$np --output-dir "$out" --array-size 0 > "$scratch/plain$np.out" 2> "$scratch/plain$np.err"
    expect_each "$np" plain$np 2
    one_line plain$np || continue
    plain=$line
    case $plain in
        *"--array-size"*) ;;
        *) fail "plain$np: '$plain' does not name --array-size" ;;
    esac
    case $plain in
        *" (src/"*")") fail "plain$np: a location without --verbose: '$plain'" ;;
    esac
    for form in "--verbose --array-size 0" "--array-size 0 --verbose" "-v --array-size 0" \
        "--config $ini --array-size 0"; do
        tag=v$np$(printf '%s' "$form" | tr -c 'a-z0-9' '_')
        # shellcheck disable=SC2086
        wb_mpi_each "$np" "$tag" --output-dir "$out" $form > "$scratch/$tag.out" 2> "$scratch/$tag.err"
        expect_each "$np" "$tag" 2
        [ -s "$scratch/$tag.out" ] && fail "$tag: printed on stdout"
        located "$tag" "$plain" src/core/config.c
    done

    # A failed check, raised by the arrays harness after the run: exit 3 either way.
    check="--quiet --suite arrays --array-size 1000 --ops sum --array-repetitions 1 --debug-corrupt-rank $((np - 1))"
    # shellcheck disable=SC2086
    wb_mpi_each "$np" check$np --output-dir "$out" $check > /dev/null 2> "$scratch/check$np.err"
    expect_each "$np" check$np 3
    one_line check$np || continue
    plain=$line
    # shellcheck disable=SC2086
    wb_mpi_each "$np" vcheck$np --output-dir "$out" --verbose $check > /dev/null 2> "$scratch/vcheck$np.err"
    expect_each "$np" vcheck$np 3
    located vcheck$np "$plain" src/suites/arrays/arrays.c
done
finish
