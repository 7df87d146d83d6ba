#!/bin/sh
# t/valgrind.sh - runs every t/*.t under valgrind (memcheck) and fails on any
# memory error or definite leak, in the test process and in the children it
# forks.
#
#   cd perl/SalesForce-XS && perl Makefile.PL && make && sh t/valgrind.sh
#   (or: make valgrind; or sh t/valgrind.sh t/03-plan.t for some tests)
#
# PERL_DESTRUCT_LEVEL=2 makes perl free its own structures at exit, so what
# valgrind still calls "definitely lost" was lost by our code (XS.xs or the
# Rust library), not perl's deliberate skip of global destruction. Global
# state that stays reachable (TLS roots, perl arenas) is not an error.
# t/valgrind.supp holds the suppressions for code that is not ours (perl's
# Cwd, ring's assembly); never a leak.
#
# Forked children: a test that forks (t/02-fake.t: the child calls through
# the client inherited from its parent, gets an error, frees the client and
# leaves with POSIX::_exit) runs a second time with every forked process
# leak-checked into its own log (--child-silent-after-fork=no, vg.<pid>).
# Only the children's logs count in that run (the parent was checked by the
# first, strict run). A child inherits memory that no code of it can reach,
# and $CHILD_SUPP_TEXT below names exactly that and nothing else:
#   - what the parent's HTTP runtime thread owned (tokio runtime, async
#     client, its thread-exit list, its start closure): that thread does not
#     exist after fork(), and valgrind does not scan a vanished thread's
#     stack. The client object itself is not among them: src/transport.rs
#     keeps it reachable in the child (parked, never dropped), so forgetting
#     it (or the child losing its own client or buffers) is still reported.
#   - perl's copy of the environment, which perl frees only in global
#     destruction, skipped by POSIX::_exit (plain perl shows it too:
#     perl -MPOSIX -e 'BEGIN { $ENV{X} = 1 } fork or POSIX::_exit(0)').
# A child that execs (the fake org) is not traced past the exec.
set -u

cd "$(dirname "$0")/.." || exit 2
if ! ls blib/arch/auto/SalesForce/XS/*/XS.so >/dev/null 2>&1; then
    echo "valgrind.sh: build first: perl Makefile.PL && make" >&2
    exit 2
fi
command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }

CHILD_SUPP_TEXT='
{
   child-inherited-http-runtime-thread
   Memcheck:Leak
   match-leak-kinds: definite
   ...
   fun:*tokio*runtime*
   ...
   fun:start_thread
   fun:clone
}
{
   child-inherited-http-runtime-thread-start
   Memcheck:Leak
   match-leak-kinds: definite
   ...
   fun:*std*thread*spawn_unchecked*
   ...
   fun:*reqwest*blocking*client*ClientBuilder*build*
}
{
   child-perl-environ-skipped-by-exit
   Memcheck:Leak
   match-leak-kinds: definite
   ...
   fun:Perl_my_setenv
}
'

# valgrind_run DIR CHILDREN TEST [OPTION...]: runs TEST under valgrind with
# its output in DIR/out and one log per process in DIR/vg.<pid>; CHILDREN
# is yes to leak-check forked children. Sets $status and $main_pid.
valgrind_run() {
    run_dir=$1
    run_silent=yes
    run_children=
    if [ "$2" = yes ]; then
        run_silent=no
        run_children=1
    fi
    run_test=$3
    shift 3
    SFXS_VALGRIND=1 SFXS_VALGRIND_CHILDREN=$run_children PERL_DESTRUCT_LEVEL=2 valgrind --quiet --leak-check=full \
        --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --child-silent-after-fork=$run_silent --trace-children=no --num-callers=50 \
        --suppressions=t/valgrind.supp "$@" \
        --error-exitcode=99 --log-file="$run_dir/vg.%p" \
        perl -Mblib "$run_test" >"$run_dir/out" 2>&1 &
    main_pid=$!    # valgrind runs perl in its own process: this pid
    wait "$main_pid"
    status=$?
}

# report DIR WHO LOG...: prints the test's output (all but "ok" lines) and
# the non-empty valgrind logs.
report() {
    report_dir=$1
    report_who=$2
    shift 2
    sed 's/^/    /' "$report_dir/out" | grep -v '^    ok ' | tail -40
    for report_log in "$@"; do
        [ -s "$report_log" ] || continue
        echo "    --- valgrind, $report_who ${report_log##*/vg.}:"
        sed 's/^/    /' "$report_log"
    done
}

failed=0
passed=0
if [ "$#" -eq 0 ]; then
    set -- t/*.t
fi
for test in "$@"; do
    dir=$(mktemp -d "${TMPDIR:-/tmp}/sfxs-valgrind.XXXXXX")
    mkdir "$dir/main" "$dir/fork"
    printf '%s\n' "$CHILD_SUPP_TEXT" >"$dir/child.supp"
    problems=""

    # 1. The test process, strict (forked children silent).
    valgrind_run "$dir/main" no "$test"
    if [ "$status" -ne 0 ] || [ -s "$dir/main/vg.$main_pid" ]; then
        problems="exit $status"
        report "$dir/main" process "$dir/main/vg.$main_pid"
    fi

    # 2. Tests that fork: again, every forked child leak-checked.
    children=0
    if grep -q 'fork()' "$test"; then
        valgrind_run "$dir/fork" yes "$test" --suppressions="$dir/child.supp"
        dirty=""
        for log in "$dir/fork"/vg.*; do
            [ -e "$log" ] && [ "$log" != "$dir/fork/vg.$main_pid" ] || continue
            children=$((children + 1))
            [ -s "$log" ] && dirty="$dirty $log"
        done
        if [ "$status" -ne 0 ] || [ -n "$dirty" ] || [ "$children" -eq 0 ]; then
            problems="${problems:+$problems; }forked children: exit $status, $children checked, reports in:${dirty:- none}"
            # shellcheck disable=SC2086 # $dirty is a list of paths without spaces
            report "$dir/fork" "forked child" $dirty
        fi
    fi

    if [ -z "$problems" ]; then
        forks=""
        [ "$children" -gt 0 ] && forks="; $children forked process(es) checked"
        echo "ok - $test (valgrind clean$forks)"
        passed=$((passed + 1))
    else
        echo "not ok - $test ($problems)"
        failed=$((failed + 1))
    fi
    rm -rf "$dir"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
