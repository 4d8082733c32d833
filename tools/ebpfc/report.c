/*
 * report.c - the fields that inspect and load both report about a map or
 * a program, written once so that the two commands spell them alike in
 * tables and in JSON. Each command adds its own fields after these.
 */
#include "json.h"
#include "util.h"

const char *map_pin_path(const struct ebpfc_map *m)
{
	const char *p = ebpfc_map_pin_path(m);

	return p && *p ? p : NULL;
}

const char *const map_table_headers[MAP_TABLE_COLS] = {
	"NAME", "TYPE", "KEY", "VALUE", "MAX_ENTRIES", "FLAGS",
};

void map_table_cells(struct table *t, const struct ebpfc_map *m)
{
	char flags[16];

	table_cell(t, "%s", ebpfc_map_name(m));
	table_cell(t, "%s", ebpfc_map_type_name(ebpfc_map_type(m)));
	table_cell(t, "%u", ebpfc_map_key_size(m));
	table_cell(t, "%u", ebpfc_map_value_size(m));
	table_cell(t, "%u", ebpfc_map_max_entries(m));
	table_cell(t, "%s", map_flags_str(m, flags, sizeof(flags)));
}

void json_map_fields(struct json *j, const struct ebpfc_map *m)
{
	__u32 flags;

	json_kv_str(j, "name", ebpfc_map_name(m));
	json_kv_str(j, "type", ebpfc_map_type_name(ebpfc_map_type(m)));
	json_kv_u64(j, "key_size", ebpfc_map_key_size(m));
	json_kv_u64(j, "value_size", ebpfc_map_value_size(m));
	json_kv_u64(j, "max_entries", ebpfc_map_max_entries(m));
	if (map_flags(m, &flags))
		json_kv_null(j, "flags");
	else
		json_kv_u64(j, "flags", flags);
	json_kv_str(j, "pin_path", map_pin_path(m));
}

void json_prog_fields(struct json *j, const struct ebpfc_prog *p)
{
	json_kv_str(j, "name", ebpfc_prog_name(p));
	json_kv_str(j, "section", ebpfc_prog_section(p));
	json_kv_str(j, "type", ebpfc_prog_type_name(ebpfc_prog_type(p)));
}
