/*
 * pin.h - pinning what `ebpfc load` loaded under one bpffs directory:
 * checking that the directory is (or would be created) on bpffs, creating
 * it, and pinning each program and map at DIR/<name>.
 *
 * bpffs refuses names containing '.', so a name is written with every
 * character other than [A-Za-z0-9_] replaced by '_' (".rodata" gives
 * DIR/_rodata).
 */
#ifndef EBPFC_TOOL_PIN_H
#define EBPFC_TOOL_PIN_H

#include <stdbool.h>
#include <ebpfc/ebpfc.h>

struct pin_result {
	char *path;	/* where it was pinned, or NULL */
	char *error;	/* why pinning failed, or NULL */
};

/*
 * Make sure dir exists on bpffs: refuse (with a message on stderr) when it,
 * or the nearest existing directory above it, is on another file system,
 * then create the missing levels. Returns 0 or a negative errno.
 */
int pin_dir_prepare(const char *dir);

/* Pin at dir/<sanitized name>; true on success, else res->error says why. */
bool pin_prog(const char *dir, const struct ebpfc_prog *prog, struct pin_result *res);
bool pin_map(const char *dir, const struct ebpfc_map *map, struct pin_result *res);

void pin_result_free(struct pin_result *res);

#endif /* EBPFC_TOOL_PIN_H */
