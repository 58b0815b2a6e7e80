# nearwire - build, test and run the pipeline.  `make help` lists the targets.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
SHELL := /bin/bash

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
# quiet by default; `make V=1` shows the commands
Q := $(if $(V),,@)
PKGS := rdkafka yajl hiredis libmicrohttpd libxxhash libutf8proc gumbo libzstd

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2
# snprintf truncation is how we bound messages, not a bug (gcc only; clang lacks the option)
WARN += $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
OPT ?= -O2 -g
CFLAGS ?=
CFLAGS += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP -Icommon $(EXTRA_CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS += $(PKG_LIBS) -lpthread -lm
ifdef SANITIZE
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

COMMON_SRC := $(sort $(wildcard common/*/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libnearwire.a
STAGES := clean fingerprint cluster enrich
TOOLS := api broker ingest query tail topics
BINS := $(STAGES:%=$(BUILD)/bin/nearwire-%) $(TOOLS:%=$(BUILD)/bin/nearwire-%)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
ALL_OBJ := $(COMMON_OBJ)

all: $(BINS) ## build every binary into build/bin/

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

define binary_rule
$(BUILD)/bin/nearwire-$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(2)/$(1)/*.c)) $(LIB)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
ALL_OBJ += $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(2)/$(1)/*.c))
endef
$(foreach s,$(STAGES),$(eval $(call binary_rule,$(s),stages)))
$(foreach t,$(TOOLS),$(eval $(call binary_rule,$(t),tools)))
# nearwire-api runs the clean and fingerprint steps for POST /v1/match, and embeds its page
API_STEPS := $(patsubst %.c,$(BUILD)/obj/%.o,$(foreach s,clean fingerprint cluster,stages/$(s)/$(s)_step.c))
$(BUILD)/bin/nearwire-api: $(API_STEPS)
$(BUILD)/bin/nearwire-api: LDLIBS := $(LIB) $(LDLIBS)
$(BUILD)/obj/tools/api/web.o: tools/api/web/index.html

BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_BINS := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
ALL_OBJ += $(BENCH_SRC:%.c=$(BUILD)/obj/%.o)
$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# bench_core measures libxml2's HTML parser beside gumbo (tests/bench/bench_core.c)
$(BUILD)/obj/tests/bench/bench_core.o: PKG_CFLAGS += $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
$(BUILD)/bench/bench_core: LDLIBS += $(shell pkg-config --libs libxml-2.0 2>/dev/null)

# development aids (tests/tools): built by `make dev-tools`, used by the eval scripts
DEV_SRC := $(sort $(wildcard tests/tools/*.c))
DEV_BINS := $(DEV_SRC:tests/tools/%.c=$(BUILD)/dev/%)
ALL_OBJ += $(DEV_SRC:%.c=$(BUILD)/obj/%.o)
$(BUILD)/dev/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
dev-tools: $(DEV_BINS) ## build the development aids of tests/tools (clean_trace: why clean dropped each paragraph)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka
ALL_OBJ += $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)

setup: ## install the Debian packages the project needs (idempotent; needs root or sudo)
	@scripts/setup.sh

unit: $(UNIT_BINS) $(DEV_BINS) ## run the cmocka unit tests
	@BUILD=$(BUILD) tests/run.sh unit

# The broker of the tests that run on either (pipeline, scale-out, kill -9, Redis faults):
# Apache Kafka where Java is; the ASan run keeps the development broker (its checks are of
# our code, and it starts in milliseconds). Tests of Kafka itself always run on Kafka.
TEST_BROKER ?= $(if $(shell command -v java 2>/dev/null),kafka,mock)

integration: all ## run the integration and fault tests (real redis-server and the local broker)
	@NW_TEST_BROKER=$(TEST_BROKER) tests/run.sh integration

test: all $(UNIT_BINS) $(BENCH_BINS) ## run every test (assumes packages are installed; the benchmarks are built, not run)
	@NW_TEST_BROKER=$(TEST_BROKER) BUILD=$(BUILD) tests/run.sh all

check: ## install packages, build, run every test and the eval's goals, then the tests under ASan+UBSan: what CI runs
	@scripts/setup.sh
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory eval
	@$(MAKE) --no-print-directory asan

ASAN_MAKE = $(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined OPT="-O1 -g"
asan: ## build everything with ASan+UBSan(+LeakSanitizer) into build-asan/, run every test on it
	@$(ASAN_MAKE) all $(UNIT_BINS:$(BUILD)/%=build-asan/%)
	@NW_TEST_BROKER=mock BUILD=build-asan NW_BIN=$(CURDIR)/build-asan/bin tests/run.sh all

bench: all $(BENCH_BINS) ## measure throughput and memory (see README "Performance")
	@PEERS=$(PEERS) scripts/bench.sh
	@scripts/bench_memory.sh

kafka: all ## fetch the pinned Apache Kafka (Maven Central, into ~/.cache/nearwire) for scripts/kafka.sh
	@scripts/kafka.sh fetch

bench-memory: all ## each stage's RSS over 100,000 documents (README "Performance")
	@scripts/bench_memory.sh

eval: all ## score duplicate and story decisions on every eval set, each figure against its goal (fails under a floor)
	@scripts/eval.sh

hostile: all ## peak RSS and time of every stage on each hostile case (README "Guarantees")
	@scripts/hostile_report.sh

soak-hostile: all ## hostile and normal messages through the pipeline for SOAK_MINUTES (default 5)
	@scripts/soak_hostile.sh

fuzz: ## run the libFuzzer harnesses of tests/fuzz for FUZZ_SECONDS each (default 60)
	@scripts/fuzz.sh

profile: all ## CPU per article by stage and by part (Kafka client, JSON, Redis client, kernel, libc, the stage's own work) over Reuters-21578, sampled with perf
	@scripts/profile.sh

eval-clean: all dev-tools ## score clean's article text: the article-extraction-benchmark (181 pages), and Readability's test pages and Dragnet from ../shared/data when there
	@scripts/eval_clean.sh

BROKER ?=
REDIS ?=
up: all ## start Redis (REDIS=cluster: a Redis Cluster of 3 masters and 3 replicas), a broker (BROKER=kafka: Apache Kafka, the default when Java is here; BROKER=mock: nearwire-broker) and the four stages (idempotent)
	@NEARWIRE_BROKER=$(BROKER) NEARWIRE_REDIS=$(REDIS) scripts/stack.sh up

down: ## stop everything `make up` started
	@scripts/stack.sh down

status: ## show what the local stack runs and where
	@scripts/stack.sh status

demo: ## set up, build, start the stack, feed the seed articles and show their stories
	@scripts/setup.sh
	@$(MAKE) --no-print-directory all
	@NEARWIRE_BROKER=$(BROKER) NEARWIRE_REDIS=$(REDIS) scripts/demo.sh

FORMAT_SRC = $(COMMON_SRC) $(wildcard common/*/*.h stages/*/*.[ch] tools/*/*.[ch] tests/unit/*.[ch] tests/bench/*.[ch] tests/fuzz/*.[ch] tests/tools/*.[ch])
format: ## clang-format every C file in place
	clang-format -i $(FORMAT_SRC)

format-check: ## fail when a C file differs from what clang-format makes of it (part of check)
	@clang-format --dry-run -Werror $(FORMAT_SRC) && echo "format-check: $(words $(FORMAT_SRC)) files as clang-format has them"

install: all ## install binaries and configs under $(DESTDIR)$(PREFIX)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/etc/nearwire/stoplists \
		$(DESTDIR)$(PREFIX)/etc/nearwire/gazetteer
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 config/*.conf $(DESTDIR)$(PREFIX)/etc/nearwire/
	install -m 644 config/stoplists/* $(DESTDIR)$(PREFIX)/etc/nearwire/stoplists/
	install -m 644 config/gazetteer/* $(DESTDIR)$(PREFIX)/etc/nearwire/gazetteer/

clean: ## remove build outputs
	rm -rf $(BUILD) build-asan build-fuzz

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: all dev-tools setup unit integration test check asan bench bench-memory profile kafka eval eval-clean hostile soak-hostile fuzz up down status demo format format-check install clean help
.SECONDARY:

-include $(ALL_OBJ:.o=.d)
