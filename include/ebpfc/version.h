/*
 * ebpfc/version.h - the library's version, as macros for the compiler and
 * a function for the library that is actually linked at run time.
 */
#ifndef EBPFC_VERSION_H
#define EBPFC_VERSION_H

#define EBPFC_VERSION_MAJOR 0
#define EBPFC_VERSION_MINOR 1
#define EBPFC_VERSION_PATCH 0
#define EBPFC_VERSION_STRING "0.1.0"

/* Single number for comparisons: 0x00MMmmpp. */
#define EBPFC_VERSION_HEX \
	((EBPFC_VERSION_MAJOR << 16) | (EBPFC_VERSION_MINOR << 8) | EBPFC_VERSION_PATCH)

#endif /* EBPFC_VERSION_H */
