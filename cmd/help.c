/* help [<command>]: print one command's usage, or the list of commands. */
#include <string.h>
#include "cmd.h"

const char *const help_usage[] = {
	"git migrate help [<command>]",
	"",
	"Prints the usage of <command>, or the list of commands.",
	"",
	"    -h, --help            show this help",
	NULL,
};

int cmd_help(int argc, char **argv)
{
	const struct gm_cmd *cmd;
	bool done;
	int c, i;

	while ((c = cmd_getopt(argc, argv, "", NULL, help_usage, &done)) != -1)
		if (done)
			return c;
	if (optind >= argc) {
		printf("usage: git migrate [-q | -v] [--config <file>] [--color=<when>] <command> [<args>]\n\ncommands:\n");
		for (i = 0; gm_commands[i].name; i++)
			printf("    %-10s %s\n", gm_commands[i].name, gm_commands[i].summary);
		return EXIT_OK;
	}
	if (argc - optind > 1)
		return cmd_usage_error(help_usage, "too many arguments");
	cmd = gm_cmd_find(argv[optind]);
	if (!cmd) {
		cmd_error("'%s' is not a git-migrate command", argv[optind]);
		return EXIT_CANNOT;
	}
	usage_print(stdout, cmd->usage);
	return EXIT_OK;
}
