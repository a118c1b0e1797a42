# xdp-telescope — build, test, demo, bench, install.
# `make` builds build/xdp-telescope; `make test` and `make demo` install any
# missing Debian packages first (deps/debian-packages.txt). `make V=1`
# shows the full commands. docs/architecture.md describes the folders.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/sbin
DATADIR := $(PREFIX)/share/xdp-telescope
MANDIR := $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions

# The version: VERSION, and the commit when built from a git checkout.
VERSION := $(shell cat VERSION)$(shell git rev-parse --short HEAD 2>/dev/null | sed 's/^/+git./')

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
BUILD := build

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD) \
	  -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql) \
	  -DTS_DATADIR='"$(DATADIR)"' -MMD -MP
LDLIBS := -lbpf -lelf -lz -lmaxminddb -lmicrohttpd -lsystemd -lpq -lm -lpthread

BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
	      -Ivmlinux -Iinclude -MMD -MP

# Quiet by default: one line a step; V=1 prints the commands.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

# The binary, folder by folder (docs/architecture.md): lib/ knows nothing
# of telescopes, common/ is the CSV contract and the calendar, then one
# folder per program. Everything but main.c also goes into the test,
# tool and benchmark binaries, so they call the code the binary runs.
LIB_SRC := $(sort $(wildcard user/lib/*.c))
COMMON_SRC := $(sort $(wildcard user/common/*.c))
SENSOR_SRC := $(sort $(wildcard user/sensor/*.c))
REPORT_SRC := $(sort $(wildcard user/report/*.c user/report/sections/*.c \
			       user/report/render/*.c))
SYNTH_SRC := $(sort $(wildcard user/synth/*.c))
FLEET_SRC := $(sort $(wildcard user/fleet/*.c))
USER_SRC := $(LIB_SRC) $(COMMON_SRC) $(SENSOR_SRC) $(REPORT_SRC) $(SYNTH_SRC) $(FLEET_SRC)
USER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(USER_SRC))
MAIN_OBJ := $(BUILD)/user/main.o
BPF_SRC := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJ := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRC))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRC))

# Tests (tests/README in docs/architecture.md): each tests/unit/test_*.c
# and tests/bpf/test_*.c is one cmocka binary; tests/lib/*.c are helpers
# linked into all of them and into the tools (tests/tools/*.c).
TEST_LIB_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(TEST_LIB_SRC))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c tests/bpf/test_*.c))
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRC))

.PHONY: all deps test demo bench install clean vmlinux geoip test-build bench-build FORCE
.DELETE_ON_ERROR:
# Keep what a rule made on the way (skeletons, test helper objects).
.SECONDARY:

all: $(BUILD)/xdp-telescope

$(BUILD)/%.bpf.o: bpf/%.bpf.c vmlinux/vmlinux.h
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

# The version header changes only when the version does (see VERSION).
$(BUILD)/version.gen.h: FORCE
	@mkdir -p $(@D)
	@echo '#define TS_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The fleet store's schema migrations, user/fleet/sql/vN.sql (N = 1, 2, …
# without a gap), as the strings fleet_sql[N] that fleet/migrate.c runs.
FLEET_SQL := $(wildcard user/fleet/sql/v*.sql)
$(BUILD)/fleet_sql.gen.h: $(FLEET_SQL)
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q){ echo '/* user/fleet/sql/vN.sql as fleet_sql[N]: made by the Makefile */'; \
	  echo 'static const char *const fleet_sql[] = {'; echo '	NULL,'; n=1; \
	  while [ -f user/fleet/sql/v$$n.sql ]; do \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$$/\\n"/' \
	        user/fleet/sql/v$$n.sql; echo '	,'; n=$$((n + 1)); done; \
	  echo '};'; } > $@.tmp && mv $@.tmp $@

# Every user object waits for the skeletons (the sensor includes one) and
# the generated headers; -MMD records which headers each object really read.
$(BUILD)/user/%.o: user/%.c | $(SKELS) $(BUILD)/version.gen.h $(BUILD)/fleet_sql.gen.h
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/xdp-telescope: $(MAIN_OBJ) $(USER_OBJ)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/lib/%.o: tests/lib/%.c | $(SKELS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(USER_OBJ) $(TEST_LIB_OBJ) | $(SKELS)
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -o $@ $< $(USER_OBJ) $(TEST_LIB_OBJ) $(LDLIBS) -lcmocka

# The loader whose wall clock a test can step (sensor/clock.h): the same
# objects but clock.o, built with TS_TEST_CLOCK (tests/e2e/clock_step.sh).
TEST_CLOCK_OBJ := $(BUILD)/tests/clock/clock.o
$(TEST_CLOCK_OBJ): user/sensor/clock.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DTS_TEST_CLOCK -c $< -o $@

$(BUILD)/tests/xdp-telescope-clock: $(MAIN_OBJ) $(filter-out %/sensor/clock.o,$(USER_OBJ)) \
				    $(TEST_CLOCK_OBJ)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The program and the replay tool with one column more in the schema
# (common/columns.c with TS_SCHEMA_TEST_COLUMN): the same objects but
# columns.o (tests/fleet/schema_column.sh).
TEST_COLUMN_OBJ := $(BUILD)/tests/column/columns.o
NOT_COLUMNS_OBJ := $(filter-out %/common/columns.o,$(USER_OBJ))
$(TEST_COLUMN_OBJ): user/common/columns.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DTS_SCHEMA_TEST_COLUMN='"extra"' -c $< -o $@

$(BUILD)/tests/xdp-telescope-column: $(MAIN_OBJ) $(NOT_COLUMNS_OBJ) $(TEST_COLUMN_OBJ)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/tools/replay-column: tests/tools/replay.c $(NOT_COLUMNS_OBJ) $(TEST_COLUMN_OBJ) \
				    $(TEST_LIB_OBJ) | $(SKELS)
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -o $@ $^ $(LDLIBS) -lcmocka

# the live generator is a test tool too (tests/e2e/mq_race.sh)
test-build: all $(BPF_OBJ) $(TEST_BIN) $(TOOL_BIN) $(BUILD)/bench/livegen \
	    $(BUILD)/tests/xdp-telescope-clock $(BUILD)/tests/xdp-telescope-column \
	    $(BUILD)/tests/tools/replay-column

deps:
	@scripts/deps.sh

test: deps
	$(MAKE) test-build
	tests/run.sh

# The differential fuzz at length (tests/bpf/test_fuzz.c; `make test` runs
# 10^5 frames of a fixed seed): N frames of SEED (default: a new one, printed)
# from frame FROM.
N ?= 10000000
SEED ?= $(shell date +%s)
FROM ?= 0
.PHONY: fuzz
fuzz: $(BUILD)/tests/bpf/test_fuzz
	TS_FUZZ_N=$(N) TS_FUZZ_SEED=$(SEED) TS_FUZZ_FROM=$(FROM) $<

demo: deps
	$(MAKE) all $(TOOL_BIN)
	scripts/demo.sh

bench: deps
	@[ -f data/country.mmdb ] || scripts/geoip.sh
	$(MAKE) all bench-build
	@if [ -x bench/run.sh ]; then bench/run.sh; else echo "no benchmark yet"; fi
	bench/fleet.sh

# The fleet step of the benchmark alone (ship rows/s, database size).
.PHONY: bench-fleet
bench-fleet: deps
	$(MAKE) all
	bench/fleet.sh

# Benchmark (docs/bench.md): bench/NAME.bpf.c wrap the classifier; each
# tool is bench/TOOL.c linked with the shared bench code, pktbuild and
# the loader's code (bench-xdp loads the shipped rules as `run` does).
BENCH_TOOLS := bench-xdp pcap-baseline pcap-live livegen drainfeed
BENCH_BIN := $(patsubst %,$(BUILD)/bench/%,$(BENCH_TOOLS))
BENCH_SKELS := $(BUILD)/bench/bench.skel.h $(BUILD)/bench/livegen.skel.h \
	       $(BUILD)/bench/fanout.skel.h
BENCH_LIB := bench/mix.c bench/listed.c bench/results.c bench/usercount.c bench/rewrite.c \
	     tests/lib/pktbuild.c tests/lib/kfeature.c
# livegen's engines (bench/gen.h)
$(BUILD)/bench/livegen: bench/gen_live.c bench/gen_fanout.c bench/seedlink.c

bench-build: $(BENCH_BIN) $(BUILD)/bench/sink.bpf.o $(BUILD)/tests/tools/kfeature

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c vmlinux/vmlinux.h
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibench -Ibpf -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

$(BUILD)/bench/%: bench/%.c $(BENCH_LIB) $(wildcard bench/*.h) $(USER_OBJ) | $(BENCH_SKELS) $(SKELS)
	$(call msg,CCLD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -Ibench -I$(BUILD)/bench -Itests/lib -o $@ \
		$(filter %.c,$^) $(USER_OBJ) $(LDLIBS) -lpcap

# Regenerate the committed vmlinux.h from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

# Install the default country database from the npm registry (pinned with
# its integrity hash in geoip/package-lock.json) into data/.
geoip:
	@scripts/geoip.sh

install: all
	install -D -m 0755 $(BUILD)/xdp-telescope $(DESTDIR)$(BINDIR)/xdp-telescope
	install -D -m 0644 rules/default.rules $(DESTDIR)$(DATADIR)/default.rules
	install -D -m 0644 contrib/example.conf $(DESTDIR)$(DATADIR)/example.conf
	install -D -m 0644 man/xdp-telescope.8 $(DESTDIR)$(MANDIR)/man8/xdp-telescope.8
	install -D -m 0644 contrib/bash-completion/xdp-telescope \
		$(DESTDIR)$(COMPLETIONDIR)/xdp-telescope
	@mkdir -p $(DESTDIR)$(UNITDIR)
	install -D -m 0644 contrib/ship.conf.example $(DESTDIR)$(DATADIR)/ship.conf.example
	for u in xdp-telescope@.service xdp-telescope-ship.service xdp-telescope-ship.timer \
		 xdp-telescope-ship-follow.service; do \
		sed 's|/usr/local/sbin/|$(BINDIR)/|' contrib/$$u > $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	@if [ -f data/country.mmdb ]; then \
		install -D -m 0644 data/country.mmdb $(DESTDIR)$(DATADIR)/country.mmdb; fi

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
