#!/usr/bin/env bash
# tests/c/run.sh - builds tests/c/smoke.c against include/sfclient.h and
# target/debug/libsfclient.so, starts the fake Salesforce org (--tls) on
# loopback, writes a client configuration for it, and runs the smoke test
# under valgrind. Fails on any test failure, memory error or definite leak
# ("still reachable" global state of the TLS/HTTP stack is fine).
#
# Usage: tests/c/run.sh            (from anywhere in the repository)
# Env:   SFCLIENT_SKIP_BUILD=1     use the already built library and fake
#        NO_VALGRIND=1             run without valgrind (quick local check)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ "${SFCLIENT_SKIP_BUILD:-}" != 1 ]; then
    cargo build --quiet -p sfclient
    cargo build --quiet -p fake-salesforce
fi
lib_dir="$root/target/debug"
fake_bin="${FAKE_SALESFORCE_BIN:-$root/target/debug/fake-salesforce}"
[ -f "$lib_dir/libsfclient.so" ] || { echo "run.sh: $lib_dir/libsfclient.so missing (cargo build -p sfclient)" >&2; exit 2; }
[ -x "$fake_bin" ] || { echo "run.sh: $fake_bin missing (cargo build -p fake-salesforce)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sfclient-c.XXXXXX")
fake_pid=
cleanup() {
    if [ -n "$fake_pid" ]; then
        kill "$fake_pid" 2>/dev/null || true
        wait "$fake_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

gcc -std=c11 -Wall -Wextra -Werror -pedantic -g -O0 \
    -I "$root/include" "$root/tests/c/smoke.c" \
    -L "$lib_dir" -lsfclient -Wl,-rpath,"$lib_dir" \
    -o "$work/smoke"

# Start the fake; its first stdout line is one JSON object.
mkfifo "$work/fake.out"
"$fake_bin" --tls --listen 127.0.0.1:0 >"$work/fake.out" 2>"$work/fake.err" &
fake_pid=$!
exec 3<"$work/fake.out"
if ! IFS= read -r -t 30 info <&3; then
    echo "run.sh: the fake printed no first line; its stderr:" >&2
    cat "$work/fake.err" >&2
    exit 2
fi
# Keep draining its stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &

# Client configuration from the fake's credentials (soap-login, its CA).
printf '%s\n' "$info" | perl -MJSON::PP -e '
    my $Info = JSON::PP->new->decode( scalar <STDIN> );
    my %Config = (
        auth_flow      => "soap-login",
        login_url      => $Info->{soap_login_url},
        api_version    => $Info->{api_version},
        username       => $Info->{username},
        password       => $Info->{password},
        security_token => $Info->{security_token},
        ca_file        => $Info->{ca_file},
    );
    print JSON::PP->new->canonical->encode( \%Config );
' >"$work/config.json"
chmod 600 "$work/config.json"

if [ "${NO_VALGRIND:-}" = 1 ]; then
    "$work/smoke" "$work/config.json"
    echo "run.sh: C smoke test passed (without valgrind)"
else
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --error-exitcode=99 --num-callers=50 \
        --suppressions="$root/tests/c/valgrind.supp" \
        "$work/smoke" "$work/config.json"
    echo "run.sh: C smoke test passed (valgrind: no memory errors, no definite leaks)"
fi
