/* userland/src/selftests/main.c: the multi-call binary /usr/lib/kselftest/kselftest.
 *
 * Every ksft_<name>.c is a standalone program (the differential tests build each natively);
 * for the image, build.sh compiles each with -Dmain=ksft_<name>_main and links them here, so
 * the image carries one static libc instead of one per program. /usr/lib/kselftest/<name> is
 * a symbolic link to this binary, which picks the program by the name it was run as.
 */
#include <stdio.h>
#include <string.h>

int ksft_jobctl_main(void);
int ksft_nproc_main(void);
int ksft_pipeline_main(void);
int ksft_sigbus_main(void);
int ksft_sigframe_main(void);
int ksft_threads_main(void);

static const struct {
	const char *name;
	int (*main)(void);
} programs[] = {
	{"ksft_jobctl", ksft_jobctl_main},     {"ksft_nproc", ksft_nproc_main},
	{"ksft_pipeline", ksft_pipeline_main}, {"ksft_sigbus", ksft_sigbus_main},
	{"ksft_sigframe", ksft_sigframe_main}, {"ksft_threads", ksft_threads_main},
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "kselftest";
	const char *slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (!strcmp(programs[i].name, name))
			return programs[i].main();
	fprintf(stderr, "kselftest: %s: no such test program; run it as one of:", name);
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		fprintf(stderr, " %s", programs[i].name);
	fputc('\n', stderr);
	return 127;
}
