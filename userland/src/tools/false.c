/* userland/src/tools/false.c: false, exit status 1. */
#include "tools.h"

int false_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}
