/*
 * util.h - what the subcommands of the ebpfc tool share: the command
 * table entry, exit codes, error output, an aligned-table printer, names
 * for attach types, and the enumeration of an object's global variables.
 *
 * JSON output lives in json.h. Nothing here is library API: this header is
 * private to tools/ebpfc/.
 */
#ifndef EBPFC_TOOL_UTIL_H
#define EBPFC_TOOL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include <ebpfc/ebpfc.h>

/* Exit statuses every subcommand uses. */
enum {
	EXIT_OK = 0,	/* did everything it was asked */
	EXIT_FAIL = 1,	/* a file, the library or the kernel said no */
	EXIT_USAGE = 2,	/* the command line is wrong */
};

/* One subcommand. run() gets argv[0] = the subcommand's name. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;	/* synopsis after "ebpfc NAME" */
	const char *summary;	/* one line for "ebpfc help" */
	const char *help;	/* option details for "ebpfc help NAME", or NULL */
};

/* The subcommands (one file each); main.c lists them in its table. */
int cmd_inspect(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_core_check(int argc, char **argv);

/* The table entry of a subcommand, for its usage messages; NULL if unknown. */
const struct cmd *cmd_find(const char *name);
/* "usage: ebpfc NAME ARGS" and the help text, to f. */
void cmd_usage(const struct cmd *c, FILE *f);

/* "ebpfc: " + message + newline, on stderr. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ebpfc NAME: " + message, then the usage of NAME; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Shared getopt_long() handling: reset the parser, and turn its '?' and
 * ':' results into a usage error naming the option. Returns EXIT_USAGE.
 */
void opt_reset(void);
int opt_error(const char *cmd, int c, char **argv);

/* Allocation that ends the process with a message when memory runs out. */
void *xcalloc(size_t n, size_t sz);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open an object file (no kernel); on failure prints why and returns -errno. */
int open_object(const char *path, struct ebpfc_object **obj);

/*
 * The name of an expected attach type ("xdp", "cgroup_inet_ingress"), or
 * NULL when it is 0 on a program type for which 0 means "none" (every
 * type but cgroup_skb). Unknown numbers give "unknown".
 */
const char *attach_type_str(__u32 prog_type, __u32 attach_type);

/*
 * A map's flags: what the kernel reports once the map exists. Before load
 * -EOPNOTSUPP, until the library has an accessor for the declared flags.
 */
int map_flags(const struct ebpfc_map *map, __u32 *flags);
/* The flags as "0x..", or "-" when unknown; returns buf. */
const char *map_flags_str(const struct ebpfc_map *map, char *buf, size_t size);

/*
 * The last max_lines lines of text: returns where they start and sets *len
 * to their length without the trailing newlines; *total gets the number of
 * lines in the whole text.
 */
const char *text_tail(const char *text, size_t max_lines, size_t *total, size_t *len);

/* ---- aligned tables for human output ------------------------------------------ */

struct table {
	size_t ncols;
	size_t ncells;		/* headers included */
	size_t cap;
	char **cells;		/* row-major */
};

void table_init(struct table *t, size_t ncols, const char *const *headers);
/*
 * Append the next cell (rows fill left to right). Control characters in
 * the text become '?', so a hostile object cannot drive the terminal.
 */
void table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print with columns padded to their widest cell, each line after `indent`. */
void table_print(const struct table *t, FILE *f, const char *indent);
void table_free(struct table *t);

/* ---- fields inspect and load share (report.c) ------------------------------------ */

struct json;

/* The map's pin path (declared or set), or NULL when it has none. */
const char *map_pin_path(const struct ebpfc_map *m);
/* Map columns: name, type, key, value, max_entries, flags. */
#define MAP_TABLE_COLS 6
extern const char *const map_table_headers[MAP_TABLE_COLS];
void map_table_cells(struct table *t, const struct ebpfc_map *m);
/* "name", "type", "key_size", "value_size", "max_entries", "flags", "pin_path". */
void json_map_fields(struct json *j, const struct ebpfc_map *m);
/* "name", "section", "type". */
void json_prog_fields(struct json *j, const struct ebpfc_prog *p);

/* ---- global variables of an object, from its BTF ------------------------------- */

struct global_var {
	const char *section;	/* ".data", ".rodata.cfg", ... */
	const char *name;
	__u32 offset;		/* within the section */
	__u32 size;
	__u32 type_id;		/* the variable's type (not the BTF var's id) */
	bool is_static;		/* BTF_VAR_STATIC linkage */
};

typedef int (*global_fn)(const struct ebpfc_btf *btf, const struct global_var *var, void *user);

/*
 * Call fn for every variable of every data section (.data, .rodata, .bss
 * and their ".name" variants) in the object's BTF, in BTF order. Returns 0,
 * fn's first non-zero return, or -ENOENT when the object has no BTF.
 */
int globals_foreach(const struct ebpfc_object *obj, global_fn fn, void *user);

/* A C-like spelling of a BTF type, e.g. "const volatile __u32", "char[16]". */
void btf_type_str(const struct ebpfc_btf *btf, __u32 id, char *buf, size_t size);

#endif /* EBPFC_TOOL_UTIL_H */
