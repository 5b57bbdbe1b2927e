# sockwatch - top-like live connection monitor
#
#   make            build ./sockwatch
#   make deps       install the Debian packages needed to build and test
#   make check      unit tests (cmocka) and integration tests (root: netns)
#   make unit       build and run the unit tests only (no root needed)
#   make asan       build and run the unit tests with ASan + UBSan
#   make fuzz       build the libFuzzer harnesses (clang)
#   make bench      build the benchmarks in tests/bench
#   make bench-run  run them (root; figures only, see tests/bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR= (the binary, the man page,
#                   the systemd unit in SYSTEMDUNITDIR, the example rules,
#                   the bash completion in BASHCOMPDIR)
#   make deb        the Debian package, built from a copy of the tree in
#                   build/deb (debian/; the .deb lands in build/deb)
#
# Core code lives in src/core (no curses, no netlink); edges and front ends
# in the other folders of src/ (docs/ARCHITECTURE.md). Every src/**/*.c but
# src/cmd/main.c goes into build/libsw.a, which
# the binary, the unit tests and the fuzzers link. The core is compiled
# without the libraries' flags and with src/core/forbidden first on the
# include path, whose stand-ins for the curses, netlink, nftables and BPF
# headers stop the build: the layering rule is the compiler's.

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
EXAMPLES := $(sort $(wildcard contrib/rules/*.rules))
CC       ?= cc
BUILD    ?= build
PKGS     := libmnl libnftnl ncursesw libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

# The BPF backend (src/source/source_bpf.c, --backend bpf): BPF=1 builds
# it, BPF=0 leaves it out, BPF=auto (the default) builds it when clang,
# bpftool, libbpf (pkg-config) and the kernel's BTF are there. vmlinux.h
# is generated at build time from /sys/kernel/btf/vmlinux.
BPF ?= auto
ifeq ($(BPF),auto)
BPF := $(shell command -v bpftool >/dev/null 2>&1 && command -v clang >/dev/null 2>&1 && \
	 pkg-config --exists libbpf 2>/dev/null && test -r /sys/kernel/btf/vmlinux && echo 1 || echo 0)
endif
BPF_DIR := $(BUILD)/bpf
ifeq ($(BPF),1)
BPF_DEFS := -DSW_HAVE_BPF -I$(BPF_DIR)
BPF_LIBS := $(shell pkg-config --libs libbpf)
endif

# CFLAGS/LDFLAGS are the user's (optimisation, sanitizers); SW_CFLAGS are
# what the code needs and are always added.
CFLAGS   ?= -O2 -g
BASE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iinclude \
            -DSW_VERSION='"$(VERSION)"' -D_GNU_SOURCE -MMD -MP
SW_CFLAGS := $(BASE_CFLAGS) $(PKG_CFLAGS)
CORE_CFLAGS := -Isrc/core/forbidden $(BASE_CFLAGS)
LDLIBS   += $(PKG_LIBS) $(BPF_LIBS) -lpthread -lm

CORE_SRCS := $(sort $(wildcard src/core/*.c))
EDGE_SRCS := $(sort $(filter-out src/cmd/main.c src/core/%,$(wildcard src/*.c src/*/*.c)))
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRCS) $(EDGE_SRCS))
MAIN_OBJ  := $(BUILD)/obj/cmd/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# iterfloor (a BPF iter/tcp walk that only counts) is built with BPF=1 only
BENCH_SRCS := $(sort $(filter-out %.bpf.c,$(wildcard tests/bench/*.c)))
ifneq ($(BPF),1)
BENCH_SRCS := $(filter-out tests/bench/iterfloor.c,$(BENCH_SRCS))
endif
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all tools deps check unit unit-bins integration asan asan-integration fuzz fuzz-bins bench bench-run install uninstall deb clean

all: sockwatch

sockwatch: $(BUILD)/sockwatch
	cp $< $@

$(BUILD)/sockwatch: $(MAIN_OBJ) $(BUILD)/libsw.a
	$(CC) $(CFLAGS) $(SW_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsw.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/core/%.o: src/core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

# the BPF program, its CO-RE header and its skeleton
$(BPF_DIR)/vmlinux.h:
	@mkdir -p $(dir $@)
	bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BPF_DIR)/sockiter.bpf.o: src/source/bpf/sockiter.bpf.c src/source/bpf/sockiter.h include/sw_filter_pre.h $(BPF_DIR)/vmlinux.h
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I$(BPF_DIR) -Isrc/source/bpf -Iinclude -c -o $@ $<

$(BPF_DIR)/sockiter.skel.h: $(BPF_DIR)/sockiter.bpf.o
	bpftool gen skeleton $< name sockiter > $@.tmp && mv $@.tmp $@

ifeq ($(BPF),1)
$(BUILD)/obj/source/source_bpf.o: $(BPF_DIR)/sockiter.skel.h
endif
$(BUILD)/obj/source/source_bpf.o: src/source/source_bpf.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) $(BPF_DEFS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libsw.a $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libsw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) -o $@ $< $(BUILD)/libsw.a $(LDLIBS)

# the iterator floor's program and skeleton (tests/bench/iterfloor.c)
$(BPF_DIR)/iterfloor.bpf.o: tests/bench/iterfloor.bpf.c $(BPF_DIR)/vmlinux.h
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I$(BPF_DIR) -c -o $@ $<

$(BPF_DIR)/iterfloor.skel.h: $(BPF_DIR)/iterfloor.bpf.o
	bpftool gen skeleton $< name iterfloor > $@.tmp && mv $@.tmp $@

$(BUILD)/bench/iterfloor: tests/bench/iterfloor.c tests/bench/bench_floor.h $(BPF_DIR)/iterfloor.skel.h $(BUILD)/libsw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) $(BPF_DEFS) -o $@ $< $(BUILD)/libsw.a $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libsw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) -o $@ $< $(BUILD)/libsw.a $(LDLIBS)

tools: $(TOOL_BINS)

deps:
	scripts/install-deps --test

unit-bins: $(UNIT_BINS)

unit: $(UNIT_BINS)
	tests/run --unit-only $(UNIT_BINS)

# Unit tests, then the integration tests (they need root: network
# namespaces, nftables). tests/run prints "N passed, N failed, N skipped";
# with CI=true a skip is a failure.
check: sockwatch $(UNIT_BINS) $(BENCH_BINS) $(TOOL_BINS)
	tests/run $(UNIT_BINS)

integration: sockwatch $(BENCH_BINS) $(TOOL_BINS)
	tests/run --integration-only

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/sockwatch unit-bins
	SW_BIN=build-asan/sockwatch tests/run --unit-only $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BINS))

# The integration tests against the ASan + UBSan binary (root).
asan-integration: asan tools
	SW_BIN=build-asan/sockwatch tests/run --integration-only

# Harnesses and the library they link are all built with the sanitizers
# in build-fuzz; tests/fuzz/run runs them.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libsw.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SW_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(BUILD)/libsw.a $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  fuzz-bins

bench: $(BENCH_BINS) $(TOOL_BINS) sockwatch

# The benchmarks (tests/bench/README.md); they print figures. Needs root.
bench-run: bench
	tests/bench/memory.sh
	tests/bench/rules.sh
	tests/bench/cpu10k.sh
	tests/bench/refresh.sh
	tests/bench/scrape.sh
	tests/bench/conninfo.sh
	tests/bench/diagnosis.sh

install: sockwatch
	install -D -m 0755 sockwatch $(DESTDIR)$(PREFIX)/sbin/sockwatch
	install -D -m 0644 man/sockwatch.8 $(DESTDIR)$(PREFIX)/share/man/man8/sockwatch.8
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' contrib/systemd/sockwatch.service.in \
	  >$(DESTDIR)$(SYSTEMDUNITDIR)/sockwatch.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/sockwatch.service
	$(if $(EXAMPLES),install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/sockwatch/rules $(EXAMPLES))
	install -D -m 0644 contrib/bash-completion/sockwatch $(DESTDIR)$(BASHCOMPDIR)/sockwatch

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/sockwatch $(DESTDIR)$(PREFIX)/share/man/man8/sockwatch.8
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/sockwatch.service
	rm -rf $(DESTDIR)$(PREFIX)/share/sockwatch
	rm -f $(DESTDIR)$(BASHCOMPDIR)/sockwatch

# The Debian package (debian/). dpkg-buildpackage writes into the tree it
# builds (debian/sockwatch/, its stamps, `make clean`) and puts the .deb
# in the parent directory: so it builds a copy, in build/deb/src, and the
# .deb, .buildinfo and .changes land in build/deb (DEB_DIR; this make's
# variables stay out of the package's build). No test runs at build
# time (they need root and network namespaces): tests/integration/
# deb_install.sh builds, checks and installs the package.
DEB_DIR ?= $(BUILD)/deb
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
	  { echo "make deb: dpkg-buildpackage or dh missing: scripts/install-deps --test installs dpkg-dev and debhelper" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	tar -c --exclude=./.git --exclude=./build --exclude=./build-asan \
	  --exclude=./build-fuzz --exclude=./sockwatch --exclude='*.o' --exclude='*.d' \
	  --exclude='./tests/fuzz/corpus-*' . | tar -x -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	  DEB_BUILD_OPTIONS="$${DEB_BUILD_OPTIONS:-parallel=2}" dpkg-buildpackage -b -us -uc
	rm -rf $(DEB_DIR)/src
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf build build-asan build-fuzz sockwatch

-include $(shell find $(BUILD) build-asan -path $(DEB_DIR) -prune -o -name '*.d' -print 2>/dev/null)
