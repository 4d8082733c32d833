/*
 * gen.h - what `ebpfc btf dump`, `ebpfc gen skeleton` and `ebpfc gen
 * types` share: their entry points, the types block of an object (which
 * types user space gets, and how they are guarded) and C identifiers made
 * from names found in an object.
 *
 * Private to tools/ebpfc/, like util.h.
 */
#ifndef EBPFC_TOOL_GEN_H
#define EBPFC_TOOL_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <ebpfc/ebpfc.h>
#include <ebpfc/btf_dump.h>

/* `ebpfc btf dump ...` (btf_dump.c) and `ebpfc gen skeleton|types ...` (gen_skeleton.c). */
int cmd_btf(int argc, char **argv);
int cmd_gen(int argc, char **argv);
/* A whole file into a malloc'd buffer; prints why on failure (btf_dump.c). */
int gen_read_file(const char *path, char **data, size_t *size);
/* `ebpfc gen types` (gen_types.c); argv[0] is "types". */
int gen_types_main(int argc, char **argv);

/* The arguments of `gen skeleton` and `gen types`: [--name NAME] [--type T]... FILE. */
struct gen_args {
	char name[128];		/* --name, or made from FILE's name */
	char **extra;		/* the --type names */
	size_t nextra;
	const char *path;	/* FILE */
};

/*
 * Parse argv (argv[0] is the subcommand) into a. Returns 0, or the exit
 * code after a usage message; either way gen_args_free() releases a.
 */
int gen_args_parse(int argc, char **argv, struct gen_args *a);
void gen_args_free(struct gen_args *a);

/*
 * Close the memory stream `out` (open_memstream(text, len)) and, when ret
 * is EXIT_OK, write what it holds to stdout: output is built in memory so
 * that a failure leaves nothing half-written. Returns the exit code.
 */
int gen_emit(FILE *out, char **text, size_t *len, int ret);

/*
 * An identifier from s: bytes other than [A-Za-z0-9_] become '_', a
 * leading digit gets a '_' in front, a leading '.' is dropped (".rodata"
 * gives "rodata"), and C and C++ keywords get a '_' behind.
 */
void gen_ident(const char *s, char *buf, size_t size);
/* The same, upper-cased, for macro names. */
void gen_ident_upper(const char *s, char *buf, size_t size);
/* A name for an object file: its base name up to the first '.', as an identifier. */
void gen_default_name(const char *path, char *buf, size_t size);

/* The BTF key and value types of a map declared in .maps (0: not given). */
struct gen_map_types {
	__u32 key;
	__u32 value;
};

/* Look map_name up in the object's .maps DATASEC; zeroes when it has no types. */
void gen_map_types(const struct ebpfc_btf *btf, const char *map_name, struct gen_map_types *mt);

/*
 * The types block: C definitions of the types user space shares with the
 * object, once, inside #ifndef EBPFC_TYPES_<NAME>. Which types (the rule,
 * also in README.md):
 *   1. the key and value types of every map declared with __type();
 *   2. the types of the non-static variables of the data sections (.data,
 *      .rodata, .bss and their .name variants) -- and, for a variable of
 *      pointer type, the type it points to: the way an object names a type
 *      it uses nowhere else, such as the event of a ring buffer
 *      (`struct event *unused_event __attribute__((unused));`);
 *   3. every type named with --type NAME.
 * with whatever they need by value; what they point to is declared only.
 * Left out, because the headers a user-space program includes already
 * define them (<linux/types.h>, <linux/bpf.h>, <stdbool.h>): the __u32
 * family of typedefs and their kin, bool, and the structs and enums of
 * <linux/bpf.h> (struct bpf_spin_lock, struct xdp_md, ...). An anonymous
 * struct used as a map's key or value gets a typedef,
 * <name>__<map>__key / __value, so that a program can name it.
 */
struct gen_types {
	const struct ebpfc_btf *btf;
	struct ebpfc_btf_dump *dump;	/* spells types the way the block named them */
	FILE *out;
	char name[128];			/* the identifier the names derive from */
	/* Per map (object order): the C type of its key and value ("" when none). */
	size_t nmaps;
	char (*key_type)[192];
	char (*value_type)[192];
};

/*
 * Write the guarded types block of obj to out and keep a dumper for later
 * spellings (gen_types_free() releases it). extra: names given with --type.
 * Returns 0, or -errno after printing why (no BTF, an unknown --type).
 */
int gen_types_write(struct gen_types *g, const struct ebpfc_object *obj, const char *name,
		    char *const *extra, size_t nextra, FILE *out);
void gen_types_free(struct gen_types *g);

/*
 * The C declaration of type_id with declarator ("*key", "counter"); exits
 * with a message when memory runs out. Returns a malloc'd string.
 */
char *gen_decl(struct gen_types *g, __u32 type_id, const char *declarator, unsigned int indent,
	       bool strip_mods, bool add_const);

#endif /* EBPFC_TOOL_GEN_H */
