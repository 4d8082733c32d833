/*
 * ebpfc/ebpfc.h - the whole public API in one include.
 */
#ifndef EBPFC_EBPFC_H
#define EBPFC_EBPFC_H

#include <ebpfc/version.h>
#include <ebpfc/common.h>
#include <ebpfc/sys.h>
#include <ebpfc/map.h>
#include <ebpfc/prog.h>
#include <ebpfc/probe.h>
#include <ebpfc/btf.h>
#include <ebpfc/btf_dump.h>
#include <ebpfc/object.h>
#include <ebpfc/link.h>
#include <ebpfc/ringbuf.h>
#include <ebpfc/perfbuf.h>

#endif /* EBPFC_EBPFC_H */
