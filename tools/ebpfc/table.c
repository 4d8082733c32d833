/*
 * table.c - aligned text tables for the tool's human output: cells are
 * collected first, then every column is padded to its widest cell. Widths
 * count UTF-8 characters, not bytes; control characters are replaced so
 * that names from an object cannot move the cursor or change colours.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void table_push(struct table *t, char *cell)
{
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **cells = realloc(t->cells, cap * sizeof(*cells));

		if (!cells) {
			errorf("out of memory");
			exit(EXIT_FAIL);
		}
		t->cells = cells;
		t->cap = cap;
	}
	t->cells[t->ncells++] = cell;
}

void table_init(struct table *t, size_t ncols, const char *const *headers)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		table_push(t, xstrdup(headers[i]));
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		errorf("out of memory");
		exit(EXIT_FAIL);
	}
	va_end(ap);
	sanitize(s);
	table_push(t, s);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void table_print(const struct table *t, FILE *f, const char *indent)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	size_t i, col;

	for (i = 0; i < t->ncells; i++) {
		size_t cw = width(t->cells[i]);

		col = i % t->ncols;
		if (cw > w[col])
			w[col] = cw;
	}
	for (i = 0; i < t->ncells; i++) {
		col = i % t->ncols;
		if (col == 0)
			fputs(indent, f);
		fputs(t->cells[i], f);
		if (col + 1 == t->ncols || i + 1 == t->ncells)
			fputc('\n', f);
		else
			fprintf(f, "%*s", (int)(w[col] - width(t->cells[i]) + 2), "");
	}
	free(w);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
