# xdp-telescope — build, test, demo, bench, install.
# `make` builds build/xdp-telescope; `make test` and `make demo` install any
# missing Debian packages first (deps/debian-packages.txt).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/sbin
DATADIR := $(PREFIX)/share/xdp-telescope

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
BUILD := build

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Iinclude -I$(BUILD) \
	  -DTS_DATADIR='"$(DATADIR)"'
LDLIBS := -lbpf -lelf -lz -lmaxminddb -lm

BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
	      -Ivmlinux -Iinclude

# Every user/*.c goes into the binary; everything but main.c also into
# the test binaries, so tests call the same code the binary runs.
USER_SRC := $(sort $(wildcard user/*.c))
USER_OBJ := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRC))
LIB_OBJ := $(filter-out $(BUILD)/user/main.o,$(USER_OBJ))
BPF_SRC := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJ := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRC))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRC))

# Tests: each tests/unit/test_*.c and tests/bpf/test_*.c is one cmocka
# binary; tests/lib/*.c are helpers linked into all of them and into the
# lab tools (tests/tools/*.c, one binary each).
TEST_LIB_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_LIB_OBJ := $(patsubst tests/lib/%.c,$(BUILD)/tests/lib/%.o,$(TEST_LIB_SRC))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c tests/bpf/test_*.c))
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRC))

.PHONY: all deps test demo bench install clean vmlinux geoip test-build
.DELETE_ON_ERROR:

all: $(BUILD)/xdp-telescope

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard include/*.h) vmlinux/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

$(BUILD)/user/%.o: user/%.c $(wildcard include/*.h user/*.h) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/xdp-telescope: $(USER_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/lib/%.o: tests/lib/%.c $(wildcard tests/lib/*.h include/*.h user/*.h) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iuser -Itests/lib -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ) $(TEST_LIB_OBJ) $(wildcard tests/lib/*.h include/*.h user/*.h) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iuser -Itests/lib -o $@ $< $(LIB_OBJ) $(TEST_LIB_OBJ) $(LDLIBS) -lcmocka

test-build: all $(BPF_OBJ) $(TEST_BIN) $(TOOL_BIN)

deps:
	@scripts/deps.sh

test: deps
	$(MAKE) test-build
	tests/run.sh

demo: deps
	$(MAKE) all $(TOOL_BIN)
	scripts/demo.sh

bench: deps
	$(MAKE) all bench-build
	@if [ -x bench/run.sh ]; then bench/run.sh; else echo "no benchmark yet"; fi

# Benchmark (docs/bench.md): bench/NAME.bpf.c wrap the classifier; each
# tool is bench/TOOL.c linked with the shared bench code, pktbuild and
# the loader's code (bench-xdp loads the shipped rules as `run` does).
BENCH_TOOLS := bench-xdp pcap-baseline pcap-live livegen drainfeed
BENCH_BIN := $(patsubst %,$(BUILD)/bench/%,$(BENCH_TOOLS))
BENCH_SKELS := $(BUILD)/bench/bench.skel.h $(BUILD)/bench/livegen.skel.h
BENCH_LIB := bench/mix.c bench/report.c bench/usercount.c tests/lib/pktbuild.c
.PHONY: bench-build

bench-build: $(BENCH_BIN) $(BUILD)/bench/sink.bpf.o

$(BUILD)/bench/%.bpf.o: bench/%.bpf.c $(wildcard bench/*.h) $(BPF_SRC) $(wildcard include/*.h) vmlinux/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Ibench -c $< -o $@

$(BUILD)/bench/%.skel.h: $(BUILD)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

$(BUILD)/bench/%: bench/%.c $(BENCH_LIB) $(LIB_OBJ) $(wildcard bench/*.h include/*.h user/*.h tests/lib/*.h) $(BENCH_SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ibench -I$(BUILD)/bench -Iuser -Itests/lib -o $@ $< $(BENCH_LIB) $(LIB_OBJ) $(LDLIBS) -lpcap

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
	@if [ -f data/country.mmdb ]; then \
		install -D -m 0644 data/country.mmdb $(DESTDIR)$(DATADIR)/country.mmdb; fi

clean:
	rm -rf $(BUILD)
