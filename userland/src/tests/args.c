/* args.c: the initial process stack as execve builds it: argc, argv, envp and the auxiliary
 * vector. Prints argc and every argv string, the environment entries whose names are listed
 * below (sorted by name, so the order envp happens to have does not matter), and the auxv
 * entries that do not depend on the host or on ASLR. Exits with argc, so the exit status
 * path is checked with a value the caller chooses. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;
extern char _start[];

/* The environment names printed, already sorted by strcmp. */
static const char *const wanted[] = { "HOME", "LANG", "PATH", "UMWASM_TEST" };

static void print_env(void)
{
	size_t count = 0;

	for (char **e = environ; *e != NULL; e++)
		count++;
	printf("envc=%zu\n", count);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		const char *v = getenv(wanted[i]);

		printf("env %s=%s\n", wanted[i], v != NULL ? v : "(unset)");
	}
}

static void print_auxv(void)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);

	printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
	/* One bit per extension letter: I M A F D C = 0x112d on an RV64GC hart. */
	printf("AT_HWCAP=%#lx\n", getauxval(AT_HWCAP));
	printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
	printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
	printf("AT_PHNUM=%lu\n", getauxval(AT_PHNUM));
	printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
	printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
	printf("AT_RANDOM present: %d\n", random != NULL);
	printf("AT_EXECFN present: %d\n", execfn != NULL);
}

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=\"%s\" len=%zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
	print_env();
	print_auxv();
	return argc;
}
