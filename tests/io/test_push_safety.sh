#!/bin/sh
# The push against hostile or careless settings (issue 18), on loopback endpoints only
# (tests/io/json_sink.py): bad URLs, user info in a URL, bad tokens and token files are
# refused before any work (exit 2, one line, no results file, nothing sent, no secret
# echoed); long tokens are sent whole; a token over plain http warns; a private CA is
# trusted with --push-ca-file; SIGTERM ends push retries and a push in flight promptly.
. "$WB_SRCDIR/tests/lib/common.sh"
py=/usr/bin/python3
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
unset WAVEBENCH_PUSH_TOKEN WAVEBENCH_PUSH_TOKEN_FILE

wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; cat "$1"; }
sink() { # sink MODE NAME [CERT KEY] -> starts json_sink.py, sets sink_port
    mode=$1 name=$2
    shift 2
    mkdir -p "$scratch/$name"
    $py "$WB_SRCDIR/tests/io/json_sink.py" "$mode" "$scratch/$name/port" "$scratch/$name" 120 "$@" 2> "$scratch/$name.sink.err" &
    pids="$pids $!"
    sink_port=$(wait_file "$scratch/$name/port")
}
small="--suite collectives --coll allreduce -b 8 -e 8 -n 2 -R 3 --quiet"
# run NAME ARGS...: wavebench without mpirun, bounded; output in $scratch/NAME.txt.
run() {
    name=$1
    shift
    # shellcheck disable=SC2086
    timeout -k 5 "$wb_limit" "$WAVEBENCH" $small --output-dir "$scratch/out" --output "$name.h5" \
        "$@" > "$scratch/$name.txt" 2>&1
}
mkdir "$scratch/out"
sink ok ok
base="http://127.0.0.1:$sink_port"

# refused NAME WHAT SECRET ARGS...: exit 2, one error line, no results file, nothing sent,
# SECRET (if any) not echoed.
refused() {
    name=$1 what=$2 secret=$3
    shift 3
    run "$name" "$@"
    rc=$?
    [ $rc = 2 ] || fail "$what: exit $rc, not 2: $(cat "$scratch/$name.txt")"
    [ "$(grep -c . "$scratch/$name.txt")" = 1 ] && grep -q '^wavebench: error: ' "$scratch/$name.txt" ||
        fail "$what: not one error line: $(cat "$scratch/$name.txt")"
    [ -f "$scratch/out/$name.h5" ] && fail "$what: a results file was written"
    [ -n "$secret" ] && grep -q -- "$secret" "$scratch/$name.txt" && fail "$what: the secret was echoed"
    [ -e "$scratch/ok/requests" ] && fail "$what: something was sent: $(cat "$scratch/ok/requests")"
}

# User info in a URL, however it is spelled (one slash: libcurl still reads it).
refused cred1 "user info, one slash" hunter2pw --push-json "http:/alice:hunter2pw@127.0.0.1:$sink_port/x"
refused cred2 "user info" hunter2pw --push "http://alice:hunter2pw@127.0.0.1:$sink_port"
refused cred3 "password only" hunter2pw --push-json "http://:hunter2pw@127.0.0.1:$sink_port/x"
# Schemes, spaces, line breaks, no URL at all.
refused ftp "ftp://" "" --push-json "ftp://127.0.0.1:$sink_port/x"
refused file "file://" "" --push "file:///etc/passwd"
refused space "a space" "" --push-json "$base/a b"
refused crlf "CR/LF" "" --push-json "$(printf '%s/x\r\nX-Injected: 1' "$base")"
refused noscheme "no scheme" "" --push-json "127.0.0.1:$sink_port/x"
# The refusal also holds on more ranks (every rank exits 2).
wb_mpi_each 2 credmpi $small --output-dir "$scratch/out" --output credmpi.h5 \
    --push-json "http:/alice:hunter2pw@127.0.0.1:$sink_port/x" > "$scratch/credmpi.txt" 2>&1
expect_each 2 credmpi 2
grep -q hunter2pw "$scratch/credmpi.txt" && fail "np 2: the password was echoed"

# Tokens and token files: missing, a FIFO, a device, an empty first line, control
# characters, too long.
export WAVEBENCH_PUSH_TOKEN_FILE="$scratch/none"
refused tokmissing "missing token file" "" --push-json "$base/x"
mkfifo "$scratch/tokfifo"
export WAVEBENCH_PUSH_TOKEN_FILE="$scratch/tokfifo"
refused tokfifo "FIFO as token file" "" --push-json "$base/x"
export WAVEBENCH_PUSH_TOKEN_FILE=/dev/zero
refused tokzero "/dev/zero as token file" "" --push-json "$base/x"
printf '\nsecond-line-Zq7\n' > "$scratch/tokempty"
export WAVEBENCH_PUSH_TOKEN_FILE="$scratch/tokempty"
refused tokempty "empty first line" second-line-Zq7 --push-json "$base/x"
printf 'tab\tbed-Zq7\n' > "$scratch/toktab"
export WAVEBENCH_PUSH_TOKEN_FILE="$scratch/toktab"
refused toktab "TAB in the token" bed-Zq7 --push-json "$base/x"
unset WAVEBENCH_PUSH_TOKEN_FILE
export WAVEBENCH_PUSH_TOKEN="$(printf 'esc\033[2Jtoken-Zq7')"
refused tokesc "ESC in the token" token-Zq7 --push-json "$base/x"
export WAVEBENCH_PUSH_TOKEN="$(head -c 70000 /dev/zero | tr '\0' A)"
refused toklong "a token over 64 KiB" "" --push-json "$base/x"
refused cafile "a missing CA file" "" --push-json "https://127.0.0.1:$sink_port/x" --push-ca-file "$scratch/none.pem"

# A JWT-sized token (over 1023 characters) is sent whole, from a file; over plain http,
# with one warning line.
long="$(head -c 6000 /dev/zero | tr '\0' J)-Zq7"
unset WAVEBENCH_PUSH_TOKEN
printf '%s\r\n' "$long" > "$scratch/toklong"
export WAVEBENCH_PUSH_TOKEN_FILE="$scratch/toklong"
run longok --push-json "$base/x" || fail "long token: exit $?: $(cat "$scratch/longok.txt")"
[ "$(cat "$scratch/ok/auth.1" 2>/dev/null)" = "Bearer $long" ] || fail "long token: not sent whole"
[ "$(grep -c '^wavebench: warning: the push token goes over plain http' "$scratch/longok.txt")" = 1 ] ||
    fail "long token over http: no warning: $(cat "$scratch/longok.txt")"
grep -q Zq7 "$scratch/longok.txt" && fail "long token: echoed"
unset WAVEBENCH_PUSH_TOKEN_FILE

# A private CA: without it the push fails verification (a warning, exit 0); with
# --push-ca-file it succeeds, and the token is sent.
if command -v openssl > /dev/null &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$scratch/key.pem" -out "$scratch/ca.pem" \
        -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1; then
    sink ok tls "$scratch/ca.pem" "$scratch/key.pem"
    export WAVEBENCH_PUSH_TOKEN="tls-token-Zq7"
    run tlsno --push-json "https://127.0.0.1:$sink_port/x" --push-retries 0 --push-timeout 5 ||
        fail "TLS without the CA: exit $?"
    grep -q '^wavebench: warning: push' "$scratch/tlsno.txt" || fail "TLS without the CA: no warning"
    run tlsca --push-json "https://127.0.0.1:$sink_port/x" --push-retries 0 --push-timeout 5 \
        --push-ca-file "$scratch/ca.pem" || fail "TLS with the CA: exit $?"
    grep -q warning "$scratch/tlsca.txt" && fail "TLS with the CA: $(cat "$scratch/tlsca.txt")"
    [ "$(cat "$scratch/tls/auth.1" 2>/dev/null)" = "Bearer tls-token-Zq7" ] || fail "TLS with the CA: token not sent"
    unset WAVEBENCH_PUSH_TOKEN
else
    echo "note: openssl cannot make a certificate; the CA-file case is skipped"
fi

# term_during NAME SINKDIR ARGS...: starts a run, sends SIGTERM once its push has reached
# the sink, and checks it ends within 5 s of it (the push is stopped, one warning).
term_during() {
    name=$1 dir=$2
    shift 2
    timeout -k 5 "$wb_limit" "$WAVEBENCH" $small --output-dir "$scratch/out" --output "$name.h5" \
        "$@" > "$scratch/$name.txt" 2>&1 &
    wbpid=$!
    i=0
    while [ ! -s "$dir/requests" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
    sleep 0.5
    start=$(date +%s)
    kill -TERM $wbpid
    wait $wbpid
    took=$(( $(date +%s) - start ))
    [ $took -le 5 ] || fail "$name: SIGTERM ended the push after ${took}s"
    grep -q '^wavebench: warning: push: .*stopped by a signal' "$scratch/$name.txt" ||
        fail "$name: no warning that the push was stopped: $(cat "$scratch/$name.txt")"
    [ -f "$scratch/out/$name.h5" ] || fail "$name: no results file"
}
sink 500 e500
term_during termretry "$scratch/e500" --push-json "http://127.0.0.1:$sink_port/x" --push-retries 10 --push-timeout 5
sink slow slow
term_during termflight "$scratch/slow" --push-json "http://127.0.0.1:$sink_port/x" --push-retries 0 --push-timeout 60
finish
