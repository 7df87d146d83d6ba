# The two commands of README.md, plus the pieces they are made of.
#   make test   every test of the project (sets itself up on a fresh machine)
#   make demo   the main job on the fake Salesforce org with sample data
.PHONY: all setup build xs native opm test demo bench fuzz soak clean

all: build

setup:
	tools/setup

build: setup
	cargo build --workspace --bins
	cargo build --release -p sfclient

xs: build
	cd perl/SalesForce-XS && perl Makefile.PL && $(MAKE)

# The package's native part: the Rust core for the old-glibc baseline, and
# one XS glue per Perl in PERLS (default: the perl on PATH), e.g.
#   make opm PERLS="/opt/perls/5.24.4/bin/perl /opt/perls/5.26.3/bin/perl /usr/bin/perl"
PERLS ?=
native: build
	tools/build-native $(PERLS)

# One package per product family (tools/build-opm, %Family): dist/<Name>-<Version>.opm for
# OTRS 6 / Znuny 6.5, 7.x and dist/<Name>-<Version>-otobo.opm for OTOBO 10.1, 11.0.
opm: native
	tools/build-opm

test: setup
	tools/test-all

demo: xs native
	tools/demo

bench: setup
	tools/bench

# Long runs; `make test` has only the short fuzz run (tools/fuzz --smoke)
# (see doc/dev/HARDENING.md, RELIABILITY.md).
FUZZ_SECONDS ?= 600
fuzz: setup
	tools/fuzz $(FUZZ_SECONDS)

SOAK_RUNS ?= 50
SOAK_SEED ?= 7
soak: xs
	tools/soak $(SOAK_RUNS) $(SOAK_SEED)

clean:
	cargo clean
	rm -rf dist target/test-logs
	-cd perl/SalesForce-XS && [ -f Makefile ] && $(MAKE) realclean
