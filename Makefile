# futexsim - see README.md.  Targets: all check install clean distclean,
# plus check-sanitize (the tests under ASan+UBSan in build-san/).

.SUFFIXES:
# Objects of the test and bench programs are kept, not deleted as
# intermediates, so rebuilding after a change compiles only what changed.
.SECONDARY:
-include config.mk

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined -DFX_DEBUG=1
endif

CFLAGS_ALL = $(FX_CFLAGS) $(FX_LIB_CFLAGS) $(SANFLAGS) $(EXTRA_CFLAGS) -I. -Isim -Iworkloads -MMD -MP
LDFLAGS_ALL = $(FX_LDFLAGS) $(SANFLAGS)

LIB_SRCS := $(wildcard sim/*.c sim/lib/*.c sim/hashers/*.c sim/layouts/*.c \
	sim/conform/*.c sim/des/*.c sim/trace/*.c sim/sweep/*.c workloads/*.c) $(filter-out sim/cli/main.c,$(wildcard sim/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(filter-out $(TEST_SRCS),$(wildcard tests/unit/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/futexsim

config.mk config.h: configure
	./configure

$(BUILD)/obj/%.o: %.c config.mk config.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libfutexsim.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/futexsim: $(BUILD)/obj/sim/cli/main.o $(BUILD)/libfutexsim.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(FX_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(BUILD)/libfutexsim.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CMOCKA_LIBS) $(FX_LIBS)

$(BUILD)/obj/tests/%.o: CFLAGS_ALL += $(CMOCKA_CFLAGS) -Itests/unit

tests: $(TEST_BINS)

# The whole test suite: unit tests (cmocka), then the conformance harness
# (every scenario on the live kernel and on the model, plus the seeded
# random differential run).
check: $(BUILD)/futexsim $(TEST_BINS)
	@scripts/run-tests.sh $(BUILD)

check-sanitize:
	$(MAKE) BUILD=build-san SANITIZE=1 check

# Simulator benchmarks (docs/bench.md): Google Benchmark runners, C++ TUs in
# bench/ that call the C code directly.  Speed is measured here, never in
# "make check".
BENCH_CXXFLAGS = $(FX_CXXFLAGS) $(FX_LIB_CFLAGS) $(SANFLAGS) -I. -Isim -Ibench -MMD -MP

$(BUILD)/obj/bench/%.o: bench/%.cc config.mk config.h
	@mkdir -p $(dir $@)
	$(CXX) $(BENCH_CXXFLAGS) -c $< -o $@

$(BUILD)/bench/hash_bench: $(BUILD)/obj/bench/hash_bench.o $(BUILD)/obj/bench/jhash2_ref.o $(BUILD)/libfutexsim.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(GBENCH_LIBS) $(FX_LIBS)

$(BUILD)/bench/des_bench: $(BUILD)/obj/bench/des_bench.o $(BUILD)/obj/bench/des_bench_sim.o $(BUILD)/libfutexsim.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(GBENCH_LIBS) $(FX_LIBS)

# Live-kernel benchmarks (make bench, docs/bench-live.md): the runner
# bench/live_bench.cc and its C support bench/live_*.c.  BENCH_TIME:
# seconds per timed run (1: about 70 s on a 2-CPU VM; 0.05: about 11 s).
BENCH_TIME ?= 1
LIVE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard bench/live_*.c))
$(BUILD)/bench/live_bench: $(BUILD)/obj/bench/live_bench.o $(LIVE_OBJS) $(BUILD)/libfutexsim.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(GBENCH_LIBS) $(FX_LIBS)

ifeq ($(HAVE_GBENCH),yes)
bench-hash: $(BUILD)/bench/hash_bench
	@scripts/bench-hash.sh $(BUILD)/bench/hash_bench
bench-des: $(BUILD)/bench/des_bench
	@scripts/bench-des.sh $(BUILD)/bench/des_bench
bench: $(BUILD)/bench/live_bench
	@BENCH_TIME=$(BENCH_TIME) scripts/bench-live.sh $(BUILD)/bench/live_bench
else
bench-hash bench-des bench:
	@echo "$@: skipped: Google Benchmark was not found by ./configure" \
	      "(HAVE_GBENCH = $(HAVE_GBENCH)); install it (Debian: libbenchmark-dev)" \
	      "and run ./configure again"
endif

# The trace tools' speed (docs/trace-replay.md "Speed"): a plain C
# program, no Google Benchmark; results/sim-bench/trace.csv.
$(BUILD)/bench/trace_bench: $(BUILD)/obj/bench/trace_bench.o $(BUILD)/libfutexsim.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(FX_LIBS)
bench-trace: $(BUILD)/bench/trace_bench
	@$(BUILD)/bench/trace_bench results/sim-bench/trace.csv

# All simulator benchmarks, one after the other even under make -j.
sim-bench: bench-hash bench-des bench-trace
ifneq ($(filter sim-bench,$(MAKECMDGOALS)),)
bench-des: | bench-hash
bench-trace: | bench-des
endif

.PHONY: bench-hash bench-des bench-trace sim-bench bench
-include $(BUILD)/obj/bench/live_bench.d $(LIVE_OBJS:.o=.d)

# Calibration and validation against the live kernel (docs/calibration.md):
# the newest results/bench/<host>-<date>/ of "make bench", or RESULTS=DIR.
# calibrate writes DIR/calibrated.prof, validate DIR/validation.csv.
calibrate validate: $(BUILD)/futexsim
	@scripts/calibrate.sh $@ $(BUILD)/futexsim $(RESULTS)

.PHONY: calibrate validate

# One self-contained HTML page of a sweep or study directory
# (docs/report.md): SWEEP=DIR, by default results/sweep/default, the sweep
# of scripts/grids/default.grid (the study and the bundled traces), run or
# resumed first; REPORT=FILE (default results/report/index.html).  A sweep
# with failed cells still gets its report, which lists them first.
SWEEP ?= results/sweep/default
REPORT ?= results/report/index.html
report: $(BUILD)/futexsim
	@if [ "$(SWEEP)" = results/sweep/default ]; then \
		$(BUILD)/futexsim sweep scripts/grids/default.grid \
			-o results/sweep/default -j "$$(nproc)" --quiet || \
		[ $$? -eq 1 ]; fi
	@scripts/report.sh $(SWEEP) $(REPORT)

.PHONY: report

-include $(BUILD)/obj/bench/hash_bench.d $(BUILD)/obj/bench/jhash2_ref.d \
	$(BUILD)/obj/bench/des_bench.d $(BUILD)/obj/bench/des_bench_sim.d

install: $(BUILD)/futexsim
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/futexsim/scenarios
	install -m 755 $(BUILD)/futexsim $(DESTDIR)$(PREFIX)/bin/futexsim
	install -m 644 tests/conform/*.fxs $(DESTDIR)$(PREFIX)/share/futexsim/scenarios/

clean:
	rm -rf build build-san build-werror

distclean: clean
	rm -f config.mk config.h

.PHONY: all tests check check-sanitize install clean distclean

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/sim/cli/main.d $(TEST_SUPPORT_OBJS:.o=.d) \
	$(TEST_SRCS:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
