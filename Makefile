# SPDX-License-Identifier: GPL-2.0
#
# make                 module and userspace programs
# make module          kmod/capwap_lsc.ko against KDIR (or KVER)
# make userspace       build/lscd, build/lscctl, build/lsc-wtp
# make check           unit tests on the host, then the VM suite
# make fuzz            the wire-code fuzzer over its corpus, bounded time
# make bench           benchmarks (ratios against named baselines)
# make install         programs, man pages, systemd unit, modprobe.d example,
#                      modprobe.d hook applying the saved configuration,
#                      bash completion
# make dkms-install    register, build and install the module through DKMS
# make style           checkpatch.pl over the module and the UAPI header
# make deb             Debian packages capwap-lsc-dkms, capwap-lsc, lsc-wtp in
#                      build/deb (DEB_VERSION=V: built as version V)

VERSION := $(shell cat VERSION)

# The running kernel's tree when it has one, else the newest Debian tree.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | \
	sort -V | tail -n 1; fi)
KDIR ?= /lib/modules/$(KVER)/build

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= /lib/systemd/system
MODPROBEDIR ?= /lib/modprobe.d
# bash-completion looks under each of XDG_DATA_DIRS (/usr/local/share
# among them), so the completions follow PREFIX.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

B := build
PKGS := libnl-genl-3.0 libssl libcrypto libkmod libcurl libkeyutils json-c

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-DCAPWAP_LSC_VERSION=\"$(VERSION)\" \
	-Iinclude/uapi -Ikmod -Iuserspace/common
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WIRE_SRCS := $(filter-out %.mod.c,$(wildcard kmod/wire*.c))
COMMON_SRCS := $(wildcard userspace/common/*.c)
LSCD_SRCS := $(wildcard userspace/lscd/*.c)
LSCCTL_SRCS := $(wildcard userspace/lscctl/*.c)
WTP_SRCS := $(wildcard userspace/wtp/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
TOOL_SRCS := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
PROGS := $(B)/lscd $(B)/lscctl $(B)/lsc-wtp
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
TEST_TOOLS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRCS))

.PHONY: check-deb all module print-kver dkms-src test-modules userspace unit-tests check fuzz bench install \
	module-install dkms-install deb clean style print-checkpatch
all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

print-kver:
	@echo $(KVER)

# Modules that only the VM tests load (harness and leak-check self-tests).
test-modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/vm/kmods modules

module-install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)

userspace: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libwire.a: $(call obj,$(WIRE_SRCS))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
$(B)/libcommon.a: $(call obj,$(COMMON_SRCS))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(B)/lscd: $(call obj,$(LSCD_SRCS)) $(B)/libcommon.a $(B)/libwire.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
# lscctl judges a DTLS trust setting with lscd's own parsers (dtls_trust.h).
LSCCTL_LSCD_SRCS := $(addprefix userspace/lscd/,config.c dtls_peer.c running.c scep_cert.c ssc_list.c \
	scep_crypto.c trust.c)
$(B)/lscctl: $(call obj,$(LSCCTL_SRCS) $(LSCCTL_LSCD_SRCS)) $(B)/libcommon.a $(B)/libwire.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
# lsc-wtp judges the controller's EKU and CN with lscd's own dtls_peer.c.
$(B)/lsc-wtp: $(call obj,$(WTP_SRCS) userspace/lscd/dtls_peer.c) $(B)/libcommon.a $(B)/libwire.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Each unit test links what the programs link, minus their main()s.  Their
# own directories come first: kmod/ has headers of the same names
# (config.h, lsc.h) that are the module's, not the programs'.
LIB_OBJS = $(call obj,$(filter-out %/main.c,$(LSCD_SRCS) $(WTP_SRCS) $(LSCCTL_SRCS)))
$(B)/tests/%: tests/unit/%.c $(B)/libcommon.a $(B)/libwire.a $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -Itests/unit -Iuserspace/lscd -Iuserspace/wtp -Iuserspace/lscctl $(CFLAGS) $(PKG_CFLAGS) \
		-o $@ $< $(LIB_OBJS) $(B)/libcommon.a $(B)/libwire.a $(PKG_LIBS) -lpthread -lm

# Single-file programs the tests drive (test peers, load generators).
$(B)/tools/%: tests/tools/%.c $(B)/libcommon.a $(B)/libwire.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/tools -o $@ $< \
		$(B)/libcommon.a $(B)/libwire.a $(PKG_LIBS) -lpthread -lm

# The DTLS test peers (a controller, lscd's relay role) run lscd's real
# handshake engine, linked.
LSCD_DTLS_OBJS = $(call obj,$(addprefix userspace/lscd/,dtls_engine.c dtls_keys.c dtls_peer.c))
DTLS_AC_OBJS = $(LSCD_DTLS_OBJS)
$(B)/tools/dtls_ac: tests/tools/dtls_ac.c $(DTLS_AC_OBJS) $(B)/libcommon.a $(B)/libwire.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/tools -Itests/unit -Iuserspace/lscd -o $@ $< \
		$(DTLS_AC_OBJS) $(B)/libcommon.a $(B)/libwire.a $(PKG_LIBS) -lm
DTLS_RELAY_OBJS = $(LSCD_DTLS_OBJS)
$(B)/tools/dtls_relay_peer: tests/tools/dtls_relay_peer.c $(DTLS_RELAY_OBJS) \
		$(B)/libcommon.a $(B)/libwire.a
	@mkdir -p $(dir $@)
	$(CC) -Itests/tools -Itests/unit -Iuserspace/lscd $(CFLAGS) $(PKG_CFLAGS) -o $@ $< \
		$(DTLS_RELAY_OBJS) $(B)/libcommon.a $(B)/libwire.a $(PKG_LIBS)

$(B)/tools/dtls_udp_responder: tests/tools/dtls_udp_responder.c $(LSCD_DTLS_OBJS) \
		$(B)/libcommon.a $(B)/libwire.a
	@mkdir -p $(dir $@)
	$(CC) -Itests/tools -Iuserspace/lscd $(CFLAGS) $(PKG_CFLAGS) -o $@ $< \
		$(LSCD_DTLS_OBJS) $(B)/libcommon.a $(B)/libwire.a $(PKG_LIBS)

# lscd under AddressSanitizer, for the tests of what outlives a reload.
ASAN_FLAGS := -fsanitize=address -fno-omit-frame-pointer
asan_obj = $(patsubst %.c,$(B)/asan/%.o,$(1))
$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/lscd-asan: $(call asan_obj,$(LSCD_SRCS) $(COMMON_SRCS) $(WIRE_SRCS))
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

unit-tests: $(UNIT_TESTS) $(TEST_TOOLS) $(B)/lscd-asan

check: all unit-tests test-modules
	tests/run

# The Debian packages installed, run, upgraded and purged in the VM, DKMS
# building the module there: too long for check.
check-deb: all unit-tests test-modules
	DEB_VM=1 tests/run deb

fuzz:
	tests/fuzz/run

# Kernel fast path and memory per AP (in the VM), SCEP enrollment
# throughput and CPU of lscd against scepserver, scepclient and certmonger,
# the daemon's CPU per AP enrollment (in the VM), then a fleet of 100 and
# of 500 APs against the CA (in the VM), and a fleet of 500 over DTLS
# (in the VM: tests/vm/cases/94-lscd-dtls-fleet.sh, which make check runs
# with 200), then the
# DTLS control channel: Echo and handshakes against userspace baselines,
# and kernel memory per AP in Run over DTLS (in the VM).
bench: all unit-tests
	tests/bench/run
	tests/bench/scep-enroll.sh
	tests/bench/lscd-cpu.sh
	tests/bench/fleet.sh
	tests/bench/dtls-fleet.sh
	tests/bench/dtls.sh

install: userspace
	install -D -m 0755 $(B)/lscd $(DESTDIR)$(SBINDIR)/lscd
	install -D -m 0755 $(B)/lscctl $(DESTDIR)$(SBINDIR)/lscctl
	install -D -m 0755 $(B)/lsc-wtp $(DESTDIR)$(BINDIR)/lsc-wtp
	for m in man/*.[0-9]; do \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	install -D -m 0644 dist/lscd.service $(DESTDIR)$(SYSTEMDUNITDIR)/lscd.service
	# One script completes the three programs; bash-completion loads it
	# by the name typed.
	install -D -m 0644 dist/bash-completion/lscctl $(DESTDIR)$(BASHCOMPDIR)/lscctl
	ln -sf lscctl $(DESTDIR)$(BASHCOMPDIR)/lscd
	ln -sf lscctl $(DESTDIR)$(BASHCOMPDIR)/lsc-wtp
	install -D -m 0644 dist/capwap-lsc.modprobe.conf \
		$(DESTDIR)/etc/modprobe.d/capwap-lsc.conf.example
	# The hook that applies the saved configuration as the module loads.
	install -d $(DESTDIR)$(MODPROBEDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|' dist/capwap-lsc-startup.modprobe.conf > \
		$(DESTDIR)$(MODPROBEDIR)/capwap-lsc-startup.conf
	chmod 0644 $(DESTDIR)$(MODPROBEDIR)/capwap-lsc-startup.conf
	# Challenges and keys' whereabouts: readable by root alone.  An
	# lscd.conf the operator has is never replaced.
	install -d -m 0700 $(DESTDIR)/etc/capwap-lsc
	install -m 0600 dist/lscd.conf $(DESTDIR)/etc/capwap-lsc/lscd.conf.example
	test -e $(DESTDIR)/etc/capwap-lsc/lscd.conf || \
		install -m 0600 dist/lscd.conf $(DESTDIR)/etc/capwap-lsc/lscd.conf

DKMS_VERSION ?= $(VERSION)
DKMS_SRC ?= /usr/src/capwap-lsc-$(DKMS_VERSION)
# The module's source as DKMS wants it: the Kbuild tree, no build output.
dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild VERSION kmod include $(DKMS_SRC)/
	find $(DKMS_SRC) \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'modules.order' \) -delete
	sed 's/@VERSION@/$(DKMS_VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	dkms add -m capwap-lsc -v $(VERSION)
	dkms build -m capwap-lsc -v $(VERSION) -k $(KVER)
	dkms install -m capwap-lsc -v $(VERSION) -k $(KVER)

# The packages are built in a copy of the tree under build/deb, so that
# dpkg-buildpackage's output (it writes next to the source directory) and
# debian/'s scratch files stay out of the tree: the copy holds what git
# tracks, plus new files it does not ignore.  DEB_VERSION=V builds them as
# version V, from a changelog entry added to the copy (an upgrade to test).
DEB_DIR ?= $(B)/deb
DEB_VERSION ?=
DEB_SRC = $(DEB_DIR)/capwap-lsc-$(or $(DEB_VERSION),$(VERSION))
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -C $(DEB_SRC) -xf -
	test "$$(dpkg-parsechangelog -l debian/changelog -S Version)" = "$(VERSION)" || \
		{ echo "deb: debian/changelog does not start at VERSION $(VERSION)" >&2; exit 1; }
	$(if $(DEB_VERSION),{ printf 'capwap-lsc (%s) unstable; urgency=medium\n\n  * Built as %s.\n\n -- %s  %s\n\n' \
		'$(DEB_VERSION)' '$(DEB_VERSION)' \
		"$$(dpkg-parsechangelog -l debian/changelog -S Maintainer)" "$$(date -R)"; \
		cat debian/changelog; } > $(DEB_SRC)/debian/changelog)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -Jauto
	@ls $(DEB_DIR)/*.deb

# Debian's header packages carry no checkpatch.pl; the linux-source-6.1
# package has it inside its tarball, from which the script and the data
# files it reads next to itself are taken once.  CHECKPATCH= overrides.
CHECKPATCH_TARBALL ?= $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
CHECKPATCH ?= $(if $(wildcard $(KDIR)/scripts/checkpatch.pl),$(KDIR)/scripts/checkpatch.pl,$(B)/checkpatch/checkpatch.pl)
STYLE_FILES = $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h) \
	include/uapi/linux/capwap_lsc.h

$(B)/checkpatch/checkpatch.pl:
	@test -n "$(CHECKPATCH_TARBALL)" || { echo "style: no checkpatch.pl; apt-get install linux-source-6.1, or set CHECKPATCH=" >&2; exit 1; }
	@mkdir -p $(@D)
	tar -C $(@D) -xJf $(CHECKPATCH_TARBALL) --strip-components=2 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	@touch $@

print-checkpatch:
	@echo $(CHECKPATCH)

style: $(CHECKPATCH)
	$(CHECKPATCH) --no-tree --terse --show-types -f $(STYLE_FILES)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/vm/kmods clean
	rm -rf $(B)

-include $(shell find $(B)/obj $(B)/asan -name '*.d' 2>/dev/null)
