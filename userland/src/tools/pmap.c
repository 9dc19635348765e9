/* userland/src/tools/pmap.c: pmap PID... from /proc/<pid>/maps, procps-ng's default format:
 *   1234:   /bin/cat file
 *   0000000000010000     64K r-x-- cat
 *   ...
 *    total              1234K
 * Permissions are rwx plus 's' for shared mappings, and '-'; anonymous mappings are "[ anon ]",
 * [stack] is "[ stack ]". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"

static int pmap_one(const char *pid)
{
	char path[64], *maps, *cmd, *line, *save = NULL;
	size_t cmd_len = 0;
	unsigned long total_kb = 0;
	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if (!(maps = read_file(path, NULL)))
		return 1;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	cmd = read_file(path, &cmd_len);
	for (size_t i = 0; cmd && i + 1 < cmd_len; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	printf("%s:   %s\n", pid, cmd ? cmd : "");
	free(cmd);
	for (line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end;
		char perms[8] = "", name[4096] = "";
		int off = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &off) < 3)
			continue;
		snprintf(name, sizeof(name), "%s", off ? line + off : "");
		const char *shown = name;
		if (!name[0])
			shown = "  [ anon ]";
		else if (!strcmp(name, "[stack]"))
			shown = "  [ stack ]";
		else if (name[0] == '[')
			shown = name;
		else if (strrchr(name, '/'))
			shown = strrchr(name, '/') + 1;
		char p[6] = {perms[0], perms[1], perms[2], perms[3] == 's' ? 's' : '-', '-', 0};
		unsigned long kb = (end - start) >> 10;
		total_kb += kb;
		printf("%016lx %6luK %s %s\n", start, kb, p, shown);
	}
	printf(" total %16luK\n", total_kb);
	free(maps);
	return 0;
}

int pmap_main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		fprintf(stderr, "Usage:\n pmap [options] PID [PID ...]\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue; /* -x and friends: the default format only */
		if (pmap_one(argv[i]))
			status = 42; /* procps-ng's status when a pid cannot be read */
	}
	return status;
}
