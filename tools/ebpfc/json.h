/*
 * json.h - a small streaming JSON writer for the ebpfc tool's --json
 * output: objects, arrays, strings, integers, booleans, null, indented two
 * spaces per level.
 *
 * Strings are escaped as RFC 8259 requires, and since names in a BPF
 * object are bytes chosen by whoever built it, bytes that are not valid
 * UTF-8 are written as U+FFFD so that the document always parses. The
 * writer tracks commas itself; it does not check that a caller nests
 * begin/end calls correctly (the tool's callers are few and fixed).
 */
#ifndef EBPFC_TOOL_JSON_H
#define EBPFC_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* a comma is due before the next item */
	bool after_key;			/* the next value follows "key": */
};

void json_init(struct json *j, FILE *f);
/* Ends the document with a newline; returns 0 or -EIO if writing failed. */
int json_finish(struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);

/* Values. json_str(NULL) writes null. */
void json_str(struct json *j, const char *s);
/* The first len bytes of s; a NUL among them is escaped like any control byte. */
void json_strn(struct json *j, const char *s, size_t len);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* "key": value shorthands. */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

/* Write s as a quoted, escaped JSON string (exposed for tests and reuse). */
void json_write_string(FILE *f, const char *s);
void json_write_stringn(FILE *f, const char *s, size_t len);

#endif /* EBPFC_TOOL_JSON_H */
