/*
 * json_escape.c - a fixture for tests/cli/run.sh: writes hostile strings
 * through the ebpfc tool's JSON writer (tools/ebpfc/json.c, linked in by
 * run.sh) so that the script can check that Python parses the document
 * and decodes every string to what RFC 8259 and U+FFFD replacement of
 * invalid UTF-8 require. Not a cmocka test: it only produces output.
 */
#include <stdio.h>

#include "json.h"

static const char *const cases[] = {
	"plain",
	"quote \" backslash \\ slash /",
	"\b\f\n\r\t",
	"\x01\x1f\x7f",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",	/* é € 😀: valid, kept */
	"lone \x80 continuation",
	"overlong \xc0\xaf slash",
	"surrogate \xed\xa0\x80 half",
	"past max \xf4\x90\x80\x80 point",
	"bad lead \xf5\x80",
	"truncated \xe2\x82",
	"truncated at end \xe2",
};

int main(void)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "cases");
	json_arr_begin(&j);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		json_str(&j, cases[i]);
	json_strn(&j, "nul\0inside", 10);
	json_arr_end(&j);
	json_key(&j, "empty_obj");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_key(&j, "empty_arr");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_kv_null(&j, "null");
	json_kv_bool(&j, "true", true);
	json_kv_i64(&j, "neg", -9223372036854775807LL - 1);
	json_kv_u64(&j, "big", 18446744073709551615ULL);
	json_obj_end(&j);
	return json_finish(&j) ? 1 : 0;
}
