/* mempolicy: set_mempolicy, get_mempolicy and mbind on a one-node machine — the policies kept,
 * every errno for bad modes, flags, masks and ranges, and mbind splitting and merging vmas
 * as /proc/self/maps shows them. Needs a kernel with CONFIG_NUMA and exactly node 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4
#define PG 4096

static long set_pol(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}
static long get_pol(int *mode, unsigned long *mask, unsigned long maxnode, void *addr, unsigned long flags)
{
	return syscall(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}
static long mbind_(void *addr, unsigned long len, int mode, const unsigned long *mask, unsigned long maxnode, unsigned flags)
{
	return syscall(SYS_mbind, addr, len, mode, mask, maxnode, flags);
}
static const char *e(long r)
{
	static char buf[64];
	if (r == 0)
		return "ok";
	snprintf(buf, sizeof buf, "%s", r < 0 ? strerror(errno) : "positive");
	return buf;
}
static void show_pol(const char *what, void *addr, unsigned long flags)
{
	int mode = -1;
	unsigned long mask[2] = { 0xff, 0xff };
	long r = get_pol(&mode, mask, 128, addr, flags);
	printf("%s: %s mode %d mask %lx %lx\n", what, e(r), mode, mask[0], mask[1]);
}
/* How many maps lines overlap [base, base + len). */
static int count_vmas(char *base, unsigned long len)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < (unsigned long)base + len && hi > (unsigned long)base)
			n++;
	}
	fclose(f);
	return n;
}

int main(void)
{
	unsigned long one = 1, two = 2, three = 3, none = 0;
	unsigned long big[17] = { 0 };

	show_pol("initial", NULL, 0);
	printf("bind {0}: %s\n", e(set_pol(MPOL_BIND, &one, 2)));
	show_pol("after bind", NULL, 0);
	printf("bind {0,1}: %s\n", e(set_pol(MPOL_BIND, &three, 3)));
	show_pol("offline node dropped", NULL, 0);
	printf("bind {1}: %s\n", e(set_pol(MPOL_BIND, &two, 3)));
	printf("bind {}: %s\n", e(set_pol(MPOL_BIND, &none, 2)));
	printf("bind NULL: %s\n", e(set_pol(MPOL_BIND, NULL, 0)));
	printf("interleave {0} static: %s\n", e(set_pol(MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, &one, 2)));
	show_pol("interleave", NULL, 0);
	show_pol("interleave next node", NULL, MPOL_F_NODE);
	printf("preferred {}: %s\n", e(set_pol(MPOL_PREFERRED, NULL, 0)));
	show_pol("preferred empty is local", NULL, 0);
	printf("preferred {} static: %s\n", e(set_pol(MPOL_PREFERRED | MPOL_F_STATIC_NODES, NULL, 0)));
	printf("local {0}: %s\n", e(set_pol(MPOL_LOCAL, &one, 2)));
	printf("default {0}: %s\n", e(set_pol(MPOL_DEFAULT, &one, 2)));
	printf("mode 7: %s\n", e(set_pol(7, NULL, 0)));
	printf("static|relative: %s\n", e(set_pol(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &one, 2)));
	printf("numa balancing with interleave: %s\n", e(set_pol(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, &one, 2)));
	printf("relative {1}: %s\n", e(set_pol(MPOL_BIND | MPOL_F_RELATIVE_NODES, &two, 3)));
	show_pol("relative", NULL, 0);
	printf("maxnode too big: %s\n", e(set_pol(MPOL_BIND, &one, PG * 8 + 2)));
	big[16] = 1; /* node 1024 */
	big[0] = 1;
	printf("node 1024 set: %s\n", e(set_pol(MPOL_BIND, big, 17 * 64)));
	printf("bad mask pointer: %s\n", e(set_pol(MPOL_BIND, (void *)8, 2)));
	printf("default: %s\n", e(set_pol(MPOL_DEFAULT, NULL, 0)));
	show_pol("back to default", NULL, 0);

	int mode;
	unsigned long mask;
	printf("get bad flags: %s\n", e(get_pol(&mode, NULL, 0, NULL, 8)));
	printf("get addr without F_ADDR: %s\n", e(get_pol(&mode, NULL, 0, &mode, 0)));
	printf("get maxnode 0 with mask: %s\n", e(get_pol(&mode, &mask, 0, NULL, 0)));
	show_pol("mems allowed", NULL, MPOL_F_MEMS_ALLOWED);
	printf("mems allowed with F_ADDR: %s\n", e(get_pol(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR)));
	printf("F_NODE without interleave: %s\n", e(get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE)));

	char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("vmas at start: %d\n", count_vmas(p, 8 * PG));
	printf("mbind middle: %s\n", e(mbind_(p + 2 * PG, 3 * PG, MPOL_BIND, &one, 2, 0)));
	printf("vmas: %d\n", count_vmas(p, 8 * PG));
	show_pol("policy at p", p, MPOL_F_ADDR);
	show_pol("policy at p+2", p + 2 * PG, MPOL_F_ADDR);
	printf("mbind same again: %s", e(mbind_(p + 3 * PG, PG, MPOL_BIND, &one, 2, 0)));
	printf(", vmas %d\n", count_vmas(p, 8 * PG));
	printf("mbind interleave inside: %s", e(mbind_(p + 3 * PG, PG, MPOL_INTERLEAVE, &one, 2, 0)));
	printf(", vmas %d\n", count_vmas(p, 8 * PG));
	show_pol("policy at p+3", p + 3 * PG, MPOL_F_ADDR);
	printf("mbind default over all: %s", e(mbind_(p, 8 * PG, MPOL_DEFAULT, NULL, 0, 0)));
	printf(", vmas %d\n", count_vmas(p, 8 * PG));
	p[0] = 1;
	show_pol("node of a page", p, MPOL_F_ADDR | MPOL_F_NODE);
	printf("mbind unaligned: %s\n", e(mbind_(p + 1, PG, MPOL_BIND, &one, 2, 0)));
	printf("mbind bad flags: %s\n", e(mbind_(p, PG, MPOL_BIND, &one, 2, 8)));
	printf("mbind strict move: %s\n", e(mbind_(p, PG, MPOL_BIND, &one, 2, MPOL_MF_STRICT | MPOL_MF_MOVE)));
	printf("mbind move_all (root): %s\n", e(mbind_(p, PG, MPOL_BIND, &one, 2, MPOL_MF_MOVE_ALL)));
	printf("mbind len 0: %s\n", e(mbind_(p, 0, MPOL_BIND, &none, 2, 0)));
	munmap(p + 4 * PG, PG);
	printf("mbind over a hole: %s", e(mbind_(p, 8 * PG, MPOL_INTERLEAVE, &one, 2, 0)));
	printf(", vmas %d\n", count_vmas(p, 8 * PG));
	printf("mbind empty bind: %s\n", e(mbind_(p, PG, MPOL_BIND, &none, 2, 0)));
	printf("get F_ADDR on a hole: %s\n", e(get_pol(&mode, NULL, 0, p + 4 * PG, MPOL_F_ADDR)));
	return 0;
}
