#!/bin/sh
# t/valgrind.sh - runs every t/*.t once under valgrind (memcheck) and fails
# on any memory error or definite leak.
#
#   cd perl/SalesForce-XS && perl Makefile.PL && make && sh t/valgrind.sh
#   (or: make valgrind; or sh t/valgrind.sh t/03-plan.t for some tests)
#
# PERL_DESTRUCT_LEVEL=2 makes perl free its own structures at exit, so what
# valgrind still calls "definitely lost" was lost by our code (XS.xs or the
# Rust library), not perl's deliberate skip of global destruction. Global
# state that stays reachable (TLS roots, perl arenas) is not an error.
# Forked children (t/02-fake.t) are not leak-checked: with SFXS_VALGRIND=1
# the child ends with SIGKILL after reporting, since it deliberately forgets
# the HTTP client inherited from its parent (its runtime thread does not
# exist there; see src/transport.rs). t/valgrind.supp holds the suppressions
# for code that is not ours (perl's Cwd, ring's assembly); never a leak.
set -u

cd "$(dirname "$0")/.." || exit 2
if [ ! -f blib/arch/auto/SalesForce/XS/XS.so ]; then
    echo "valgrind.sh: build first: perl Makefile.PL && make" >&2
    exit 2
fi
command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }

failed=0
passed=0
if [ "$#" -eq 0 ]; then
    set -- t/*.t
fi
for test in "$@"; do
    log=$(mktemp "${TMPDIR:-/tmp}/sfxs-valgrind.XXXXXX")
    SFXS_VALGRIND=1 PERL_DESTRUCT_LEVEL=2 valgrind --quiet --leak-check=full \
        --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --child-silent-after-fork=yes --trace-children=no --num-callers=50 \
        --suppressions=t/valgrind.supp \
        --error-exitcode=99 --log-file="$log" \
        perl -Mblib "$test" >"$log.out" 2>&1
    status=$?
    if [ "$status" -eq 0 ] && [ ! -s "$log" ]; then
        echo "ok - $test (valgrind clean)"
        passed=$((passed + 1))
    else
        echo "not ok - $test (exit $status)"
        sed 's/^/    /' "$log.out" | grep -v '^    ok ' | tail -40
        sed 's/^/    /' "$log"
        failed=$((failed + 1))
    fi
    rm -f "$log" "$log.out"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
