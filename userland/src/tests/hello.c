/* hello.c: the smallest useful guest. Exercises the ELF loader, stdio, printf's integer,
 * floating-point and string conversions, and a nonzero exit status (3). */
#include <stdio.h>

int main(void)
{
	/* volatile keeps the values out of constant folding so printf really formats them. */
	volatile int answer = 42;
	volatile double quarter = 3.25;
	const char *volatile name = "umwasm";

	printf("hello from riscv64: %d %f %s\n", answer, quarter, name);
	printf("[%5d|%-5d|%05.1f|%x|%lld|%c|%%]\n", -7, 7, 2.5, 0xbeefu, -1234567890123LL, 'z');
	printf("%.3e %g %s\n", quarter * 1000.0, quarter / 8.0, "bye");
	return 3;
}
