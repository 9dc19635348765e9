/* userland/src/tools/main.c: dispatch of the multi-call binary (see tools.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "tools.h"

const char *prog = "umbox";

static const struct {
	const char *name;
	int (*main)(int, char **);
} tools[] = {
	{"cat", cat_main}, {"cp", cp_main}, {"dmesg", dmesg_main}, {"echo", echo_main},
	{"env", env_main}, {"false", false_main}, {"free", free_main}, {"grep", grep_main},
	{"head", head_main}, {"kill", kill_main}, {"ln", ln_main}, {"ls", ls_main},
	{"mkdir", mkdir_main}, {"mount", mount_main}, {"mv", mv_main}, {"pmap", pmap_main},
	{"printf", printf_main}, {"ps", ps_main}, {"rm", rm_main}, {"sleep", sleep_main},
	{"stty", stty_main}, {"tail", tail_main}, {"touch", touch_main}, {"true", true_main},
	{"umount", umount_main}, {"uname", uname_main}, {"wc", wc_main},
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "umbox";
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	if (!strcmp(name, "umbox") && argc > 1) {
		argv++;
		argc--;
		name = argv[0];
	}
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (!strcmp(tools[i].name, name)) {
			prog = tools[i].name;
			return tools[i].main(argc, argv);
		}
	}
	fprintf(stderr, "umbox: %s: applet not found\nusage: umbox TOOL [ARGS]... ; tools:", name);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(stderr, " %s", tools[i].name);
	fputc('\n', stderr);
	return 127;
}
