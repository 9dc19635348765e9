/* userland/src/init/init.c: /init, the first process of the default image.
 *
 *  1. mounts proc on /proc, devtmpfs on /dev, sysfs on /sys and tmpfs on /tmp unless something
 *     is already mounted there (the directory's device differs from its parent's);
 *  2. opens /dev/console as fds 0, 1 and 2 if they are not open;
 *  3. becomes a session leader and makes the console its controlling terminal (TIOCSCTTY), so
 *     the shell below can do job control on it;
 *  4. runs /etc/rc with /bin/sh if it exists, and waits for it;
 *  5. starts the shell, `/bin/sh -i` in /root (or /), in its own process group holding the
 *     terminal; a word `sh=PROG` on the kernel command line (the kernel passes the words it
 *     does not know to init) runs PROG instead, with init's other arguments;
 *  6. reaps every child, including orphans re-parented to it, until the shell exits;
 *  7. syncs and powers the machine off with reboot(LINUX_REBOOT_CMD_POWER_OFF).
 *
 * It never exits: a Linux init that exits panics the kernel. If the power-off fails it keeps
 * reaping. Run as a pid other than 1 (a test on the host), it exits with the shell's status
 * instead of powering off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void msg(const char *fmt, const char *a, const char *b)
{
	dprintf(2, "init: ");
	dprintf(2, fmt, a, b);
	dprintf(2, "\n");
}

/* mount_if_needed: mounts fstype on dir unless dir is already a mount point. */
static void mount_if_needed(const char *fstype, const char *dir, unsigned long flags)
{
	struct stat st_dir, st_root;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		msg("cannot create %s: %s", dir, strerror(errno));
		return;
	}
	if (stat(dir, &st_dir) == 0 && stat("/", &st_root) == 0 && st_dir.st_dev != st_root.st_dev)
		return; /* already a mount point (the kernel or hostfs set it up) */
	if (mount(fstype, dir, fstype, flags, NULL) < 0 && errno != EBUSY)
		msg("cannot mount %s: %s", dir, strerror(errno));
}

static void open_console(void)
{
	int fd;
	if (fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return; /* nowhere to report it */
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void setup_tty(void)
{
	if (setsid() < 0 && getpid() == 1)
		msg("setsid: %s%s", strerror(errno), "");
	if (isatty(0) && ioctl(0, TIOCSCTTY, 1) < 0)
		msg("cannot set the controlling terminal: %s%s", strerror(errno), "");
}

static void default_env(void)
{
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 0);
	setenv("HOME", "/root", 0);
	setenv("TERM", "linux", 0);
	setenv("SHELL", "/bin/sh", 0);
	setenv("USER", "root", 0);
	setenv("LOGNAME", "root", 0);
}

static void child_signals(void)
{
	sigset_t none;
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGTERM};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* spawn: forks argv; with fg the child gets its own process group and the terminal. */
static pid_t spawn(char **argv, int fg)
{
	pid_t pid = fork();
	if (pid < 0) {
		msg("fork: %s%s", strerror(errno), "");
		return -1;
	}
	if (pid > 0) {
		if (fg)
			setpgid(pid, pid);
		return pid;
	}
	if (fg) {
		setpgid(0, 0);
		if (isatty(0))
			tcsetpgrp(0, getpid());
	}
	child_signals();
	execv(argv[0], argv);
	msg("cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/* wait_for: reaps children until pid has exited; returns its wait status. */
static int wait_for(pid_t pid)
{
	int st = 0;
	for (;;) {
		pid_t got = waitpid(-1, &st, 0);
		if (got == pid)
			return st;
		if (got < 0 && errno == ECHILD)
			return st;
	}
}

static void run_rc(void)
{
	char *argv[] = {"/bin/sh", "/etc/rc", NULL};
	pid_t pid;
	if (access("/etc/rc", R_OK) != 0)
		return;
	pid = spawn(argv, 1);
	if (pid > 0)
		wait_for(pid);
	if (isatty(0))
		tcsetpgrp(0, getpgrp());
}

/* shell_argv: `/bin/sh -i`, or the program named by a sh=PROG (or init=PROG) word that reached
 * init. The kernel hands a command-line word with '=' to init in its environment, an argument
 * given to init directly arrives in argv; both are honoured. With PROG, init's plain arguments
 * (the command line's words without '=') become PROG's arguments, so
 * `sh=/usr/lib/kselftest/run_kselftest.sh ksft_threads` runs that one selftest. */
static char **shell_argv(int argc, char **argv)
{
	static char *def[] = {"/bin/sh", "-i", NULL};
	char **alt;
	const char *prog = getenv("sh");
	int n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "init=", 5) || !strncmp(argv[i], "sh=", 3))
			prog = strchr(argv[i], '=') + 1;
	}
	if (!prog || !*prog)
		return def;
	alt = calloc((size_t)argc + 1, sizeof(*alt));
	if (!alt)
		return def;
	alt[0] = strdup(prog);
	for (int i = 1; i < argc; i++)
		if (!strchr(argv[i], '='))
			alt[n++] = argv[i];
	unsetenv("sh");
	return alt;
}

static void power_off(int status)
{
	sync();
	if (getpid() != 1)
		exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	reboot(RB_POWER_OFF);
	msg("power off failed: %s%s", strerror(errno), "");
	for (;;)
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
}

int main(int argc, char **argv)
{
	char **sh_argv;
	pid_t pid;
	int status;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (getpid() == 1) {
		/* Only the real init touches mounts and sessions: run on a host as a test, it must
		 * not mount over the host's /tmp. */
		mount_if_needed("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
		mount_if_needed("devtmpfs", "/dev", MS_NOSUID);
		mount_if_needed("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC);
		mount_if_needed("tmpfs", "/tmp", MS_NOSUID | MS_NODEV);
		open_console();
		setup_tty();
	}
	default_env();
	umask(022);
	run_rc();
	if (chdir(getenv("HOME")) < 0 && chdir("/") < 0)
		msg("chdir: %s%s", strerror(errno), "");
	sh_argv = shell_argv(argc, argv);
	pid = spawn(sh_argv, 1);
	status = pid > 0 ? wait_for(pid) : 0;
	if (isatty(0))
		tcsetpgrp(0, getpgrp());
	power_off(status);
	return 0;
}
