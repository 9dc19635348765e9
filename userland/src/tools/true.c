/* userland/src/tools/true.c: true, exit status 0. */
#include "tools.h"

int true_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
