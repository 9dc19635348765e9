/* sysmisc.c: waitid, getrusage, times, sched_getaffinity, sysinfo, the id calls and
 * prctl(PR_SET_NAME): results whose values do not depend on the machine, and Linux's
 * errnos, compared with this machine's kernel running the same source natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, long r)
{
	printf("%s: %ld", what, r);
	if (r < 0)
		printf(" errno=%d", errno);
	printf("\n");
	errno = 0;
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	check("waitid", waitid(P_PID, pid, &si, WEXITED));
	printf("waitid info: signo=%d code=%d status=%d pid_ok=%d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == pid);
	check("waitid no options", waitid(P_ALL, 0, &si, 0));
	check("waitid no children", waitid(P_ALL, 0, &si, WEXITED));

	struct rusage ru;
	check("getrusage self", getrusage(RUSAGE_SELF, &ru));
	check("getrusage bad who", getrusage(5, &ru));
	struct tms tm;
	check("times ok", times(&tm) > 0 ? 0 : -1);
	cpu_set_t set;
	CPU_ZERO(&set);
	check("sched_getaffinity", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set) ? 0 : -1);
	struct sysinfo info;
	check("sysinfo", sysinfo(&info));
	printf("sysinfo: mem_unit=%u ram>0=%d\n", info.mem_unit, info.totalram > 0);
	uid_t r, e, s;
	check("getresuid", getresuid(&r, &e, &s));
	printf("ids: %u %u %u\n", r, e, s);
	check("prctl set name", prctl(PR_SET_NAME, "renamed-task-long-name", 0, 0, 0));
	char name[17] = { 0 };
	check("prctl get name", prctl(PR_GET_NAME, name, 0, 0, 0));
	printf("name: %s\n", name);
	check("prctl bad", prctl(9999, 0, 0, 0, 0));
	return 0;
}
