# ebpfc - build, test and install.
#
#   make                 libebpfc.a, libebpfc.so.0, the ebpfc tool, examples, BPF objects
#   make check           installs missing test dependencies (as root), runs every test
#   make install PREFIX=/usr/local DESTDIR=
#
# Everything lands in $(BUILD) (default build/); SAN=... with BUILD=... gives
# a separate sanitizer build (see check-asan).

CC      ?= cc
CLANG   ?= clang
CFLAGS  ?= -O2 -g
BUILD   ?= build
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
BINDIR  ?= $(PREFIX)/bin
SAN     ?=

VERSION := $(shell sed -n 's/^\#define EBPFC_VERSION_STRING "\(.*\)"/\1/p' include/ebpfc/version.h)
SOMAJOR := 0
ARCH    := $(shell uname -m)

WARN      := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
LIBCFLAGS := $(WARN) $(CFLAGS) $(SAN) -fPIC -fvisibility=hidden -DEBPFC_BUILDING \
             -Iinclude -Isrc
APPCFLAGS := $(WARN) $(CFLAGS) $(SAN) -Iinclude
BPFCFLAGS := -O2 -g -target bpf -Wall -Werror -Ibpf/include -I/usr/include/$(ARCH)-linux-gnu \
             -D__TARGET_ARCH_$(subst x86_64,x86,$(subst aarch64,arm64,$(ARCH)))

LIB_SRCS  := $(sort $(wildcard src/*.c))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
HEADERS   := $(sort $(wildcard include/ebpfc/*.h))
BPF_SRCS  := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_LIB  := $(sort $(wildcard tests/lib/*.c))
EX_SRCS   := $(sort $(wildcard examples/*.c))
EX_BINS   := $(EX_SRCS:examples/%.c=$(BUILD)/examples/%)
TOOL_SRCS := $(sort $(wildcard tools/ebpfc/*.c))
BENCH_SRCS:= $(sort $(wildcard bench/*.c))
BENCH_BINS:= $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

STATIC := $(BUILD)/libebpfc.a
SHARED := $(BUILD)/libebpfc.so.$(VERSION)

.PHONY: all lib bpf tests examples bench tools check test check-asan install \
        headers-check deps clean demo vmtest fuzz fuzz-smoke skels corpus-test

all: lib bpf tools examples bench

lib: $(STATIC) $(SHARED)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBCFLAGS) -c $< -o $@.$$$$ && mv -f $@.$$$$ $@

# Built under a temporary name and renamed, so that a concurrent make never
# links against a half-written archive.
$(STATIC): $(LIB_OBJS)
	@rm -f $@.$$$$
	ar rcs $@.$$$$ $^ && mv -f $@.$$$$ $@

$(SHARED): $(LIB_OBJS) src/libebpfc.map
	$(CC) -shared $(SAN) -Wl,-soname,libebpfc.so.$(SOMAJOR) -Wl,--version-script=src/libebpfc.map \
		-Wl,-z,defs -Wl,--as-needed -o $@.$$$$ $(LIB_OBJS) && mv -f $@.$$$$ $@
	ln -sf libebpfc.so.$(VERSION) $(BUILD)/libebpfc.so.$(SOMAJOR)
	ln -sf libebpfc.so.$(SOMAJOR) $(BUILD)/libebpfc.so

bpf: $(BPF_OBJS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/include/*.h bpf/include/*/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPFCFLAGS) -c $< -o $@

tools: $(if $(TOOL_SRCS),$(BUILD)/ebpfc)

$(BUILD)/ebpfc: $(TOOL_SRCS) $(wildcard tools/ebpfc/*.h) $(STATIC)
	$(CC) $(APPCFLAGS) -Itools/ebpfc -o $@ $(TOOL_SRCS) $(STATIC)

# Typed skeletons of every BPF object, for the examples (`ebpfc gen skeleton`).
SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/skel/%.skel.h)

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o $(BUILD)/ebpfc
	@mkdir -p $(dir $@)
	$(BUILD)/ebpfc gen skeleton $< > $@.$$$$ && mv -f $@.$$$$ $@ || { rm -f $@.$$$$; exit 1; }

skels: $(SKELS)

examples: $(EX_BINS) bpf

$(BUILD)/examples/%: examples/%.c $(STATIC) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(APPCFLAGS) -I$(BUILD)/skel -o $@ $< $(STATIC)

bench: $(BENCH_BINS)

$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(APPCFLAGS) -o $@ $< $(STATIC) $(if $(wildcard /usr/include/bpf/libbpf.h),-DHAVE_LIBBPF -lbpf)

tests: $(TEST_BINS) bpf tools

$(BUILD)/tests/%: tests/%.c $(TEST_LIB) $(wildcard tests/lib/*.h tests/*.h) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(APPCFLAGS) -Isrc -Itests/lib -DEBPFC_TEST_BPF_DIR=\"$(abspath $(BUILD))/bpf\" \
		-DEBPFC_TEST_SRC_DIR=\"$(abspath tests)\" '-DEBPFC_TEST_SAN="$(SAN)"' \
		-o $@ $< $(TEST_LIB) $(STATIC) -lcmocka -lpthread

# Every public header must stand alone, pedantically, and from C++.
headers-check:
	@mkdir -p $(BUILD)/hdr
	@for h in $(HEADERS); do \
		n=$$(basename $$h .h); \
		printf '#include <ebpfc/%s.h>\nint ebpfc_hdr_check_;\n' $$n > $(BUILD)/hdr/$$n.c; \
		$(CC) -std=c11 -Wall -Wextra -pedantic -Werror -Iinclude -c $(BUILD)/hdr/$$n.c -o /dev/null || exit 1; \
		cp $(BUILD)/hdr/$$n.c $(BUILD)/hdr/$$n.cpp; \
		$${CXX:-g++} -std=c++11 -Wall -Wextra -pedantic -Werror -Iinclude -c $(BUILD)/hdr/$$n.cpp -o /dev/null || exit 1; \
	done; echo "headers-check: $(words $(HEADERS)) headers compile alone as C11 and C++11"

deps:
	@tools/ensure-deps.sh

# The host suite, the command-line tests, then the same test binaries under
# Debian's 6.1 kernel in qemu (tools/vmtest; NOVM=1 skips that part).
check: deps
	$(MAKE) all tests headers-check
	tools/run-tests.sh $(BUILD)/tests
	BUILD=$(BUILD) tests/cli/run.sh
	$(if $(NOVM),@echo "check: NOVM is set so the suite does not run under qemu",$(MAKE) vmtest)

test: check

check-asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" lib tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		tools/run-tests.sh build-asan/tests

install: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/ebpfc $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 $(HEADERS) $(DESTDIR)$(INCDIR)/ebpfc/
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libebpfc.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libebpfc.so.$(SOMAJOR)
	ln -sf libebpfc.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libebpfc.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
		ebpfc.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ebpfc.pc
	$(if $(TOOL_SRCS),install -d $(DESTDIR)$(BINDIR) && install -m 755 $(BUILD)/ebpfc $(DESTDIR)$(BINDIR)/)

# libFuzzer targets: fuzz/fuzz_NAME.c, seeds in fuzz/corpus/NAME/.
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=build-fuzz/%)
FUZZ_TIME ?= 60
# A fixed seed makes the smoke run repeatable: same binary, same seeds, same inputs.
FUZZ_SEED ?= 1

fuzz: $(FUZZ_BINS)

build-fuzz/%: fuzz/%.c $(LIB_SRCS) $(wildcard src/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -DEBPFC_BUILDING -Iinclude -Isrc $(LIB_SRCS) $< -o $@

fuzz-smoke: fuzz
	@for f in $(FUZZ_BINS); do \
		n=$$(basename $$f | sed 's/^fuzz_//'); \
		mkdir -p build-fuzz/corpus-$$n; \
		echo "fuzz-smoke: $$n for $(FUZZ_TIME) s"; \
		$$f -max_total_time=$(FUZZ_TIME) -seed=$(FUZZ_SEED) -timeout=20 -print_final_stats=1 build-fuzz/corpus-$$n \
			$$( [ -d fuzz/corpus/$$n ] && echo fuzz/corpus/$$n ) 2>build-fuzz/$$n.log \
			|| { tail -50 build-fuzz/$$n.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|Done' build-fuzz/$$n.log | tr '\n' ' '; echo; \
	done

demo: all
	tools/demo/demo.sh

# Load every CO-RE object embedded in Debian's libbpf-tools (installs the package).
corpus-test: all
	tools/corpus/corpus-test.sh

KERNEL ?= 6.1
vmtest: tests
	tools/vmtest/vmtest.sh --kernel $(KERNEL) -- tools/run-tests.sh $(BUILD)/tests

clean:
	rm -rf build build-asan build-fuzz
