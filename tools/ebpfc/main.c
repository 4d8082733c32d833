/*
 * main.c - the ebpfc command line: finds the subcommand in a table and
 * runs it; answers --version and help itself. A new subcommand is one
 * file with an `int cmd_NAME(int argc, char **argv)` and one row below.
 *
 * Conventions every subcommand follows: results on stdout (a table, or
 * one JSON document with --json), messages on stderr, exit status 0 when
 * it did everything asked, 1 when the object, library or kernel refused,
 * 2 for a wrong command line.
 */
#include <string.h>

#include "gen.h"
#include "util.h"

static const struct cmd cmds[] = {
	{ "inspect", cmd_inspect, "FILE [--json]",
	  "list the programs, maps and global variables of a BPF object (no kernel needed)",
	  "  --json          print one JSON document (format: tools/ebpfc/README.md)\n" },
	{ "load", cmd_load,
	  "FILE [--json] [--prog NAME]... [--no-prog NAME]... [--pin DIR] [--log-level N]"
	  " [--max-entries MAP=N]... [--value-size MAP=N]...",
	  "load a BPF object into the kernel and report what each program did",
	  "  --json          print one JSON document (format: tools/ebpfc/README.md)\n"
	  "  --prog NAME     load only this program (repeatable)\n"
	  "  --no-prog NAME  load every program but this one (repeatable)\n"
	  "  --pin DIR       pin loaded programs and maps in DIR, on bpffs (created if needed)\n"
	  "  --log-level N   verifier log level: 1, 2 (more detail), 4 (statistics), or a sum\n"
	  "  --max-entries MAP=N  set a map's max_entries before load (repeatable)\n"
	  "  --value-size MAP=N   set a map's value size before load (repeatable)\n"
	  "exit status: 0 if every selected program loaded, 1 otherwise, 2 for usage errors\n" },
	{ "core-check", cmd_core_check, "FILE [--btf PATH] [--json]",
	  "resolve every CO-RE relocation against a kernel's BTF (no kernel needed)",
	  "  --btf PATH      the kernel's BTF: a raw BTF file or a vmlinux with .BTF\n"
	  "                  (default: /sys/kernel/btf/vmlinux)\n"
	  "  --json          print one JSON document (format: tools/ebpfc/README.md)\n"
	  "exit status: 0 if every relocation resolves, 1 if some do not (or FILE or the BTF\n"
	  "cannot be read), 2 for usage errors\n" },
	{ "btf", cmd_btf, "dump [FILE] [--format c|raw] [--base FILE]",
	  "write BTF as C (a vmlinux.h for CO-RE programs) or as a raw listing",
	  "  FILE            raw BTF, a BPF object, or an ELF file with .BTF such as a vmlinux\n"
	  "                  (default: /sys/kernel/btf/vmlinux; its modules are split on it)\n"
	  "  --format c|raw  a C header (default), or one line per type for people\n"
	  "  --base FILE     the base BTF of a split BTF file\n" },
	{ "gen", cmd_gen, "skeleton|types FILE [--name NAME] [--type TYPE]...",
	  "generate a typed C/C++ header for a BPF object: a skeleton, or its types only",
	  "  skeleton        the object embedded, typed programs, maps, globals, accessors\n"
	  "  types           only the C types the object shares with user space\n"
	  "  --name NAME     the C name of the skeleton (default: FILE up to its first '.')\n"
	  "  --type TYPE     also emit this struct, union, enum or typedef (repeatable)\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

void cmd_usage(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: ebpfc %s %s\n%s\n", c->name, c->args, c->summary);
	if (c->help)
		fprintf(f, "\n%s", c->help);
}

static void usage(FILE *f)
{
	fputs("usage: ebpfc COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fputs("  help      this text, or 'help COMMAND' for one command\n"
	      "\noptions:\n  --version  print the versions of the tool and library\n", f);
}

static int help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c || argc > 2) {
		errorf("help: %s", c ? "too many arguments" : "no such command");
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd_usage(c, stdout);
	return EXIT_OK;
}

/* "ebpfc CMD --help" / "-h" anywhere before "--": help for CMD. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("ebpfc %s (library %s)\n", EBPFC_VERSION_STRING, ebpfc_version());
		return EXIT_OK;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
		return help(argc - 1, argv + 1);
	c = cmd_find(name);
	if (!c) {
		errorf("unknown command '%s'", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (wants_help(argc - 1, argv + 1)) {
		cmd_usage(c, stdout);
		return EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
