/* userland/src/tools/stty.c: stty on standard input.
 *   stty            the settings that differ from sane, as a short report
 *   stty -a         every setting (the subset below), in Linux's layout
 *   stty size       "rows cols" from TIOCGWINSZ
 *   stty rows N | cols N | columns N      TIOCSWINSZ
 *   stty raw | -raw | cooked | sane | [-]echo | [-]icanon | [-]isig | [-]icrnl | [-]opost
 *        | [-]echoe | [-]echok | [-]echoctl | [-]echoke | [-]iexten | [-]ixon | [-]tostop
 *        | [-]onlcr | min N | time N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "tools.h"

struct flag {
	const char *name;
	int which; /* 0 iflag 1 oflag 2 cflag 3 lflag */
	tcflag_t bit;
	int line;  /* line of the -a report */
};

static const struct flag flags[] = {
	{"parenb", 2, PARENB, 0}, {"parodd", 2, PARODD, 0}, {"cs8", 2, CS8, 0},
	{"hupcl", 2, HUPCL, 0}, {"cstopb", 2, CSTOPB, 0}, {"cread", 2, CREAD, 0},
	{"clocal", 2, CLOCAL, 0}, {"crtscts", 2, CRTSCTS, 0},
	{"ignbrk", 0, IGNBRK, 1}, {"brkint", 0, BRKINT, 1}, {"ignpar", 0, IGNPAR, 1},
	{"parmrk", 0, PARMRK, 1}, {"inpck", 0, INPCK, 1}, {"istrip", 0, ISTRIP, 1},
	{"inlcr", 0, INLCR, 1}, {"igncr", 0, IGNCR, 1}, {"icrnl", 0, ICRNL, 1},
	{"ixon", 0, IXON, 1}, {"ixoff", 0, IXOFF, 1}, {"iuclc", 0, IUCLC, 1},
	{"ixany", 0, IXANY, 1}, {"imaxbel", 0, IMAXBEL, 1}, {"iutf8", 0, IUTF8, 1},
	{"opost", 1, OPOST, 2}, {"olcuc", 1, OLCUC, 2}, {"ocrnl", 1, OCRNL, 2},
	{"onlcr", 1, ONLCR, 2}, {"onocr", 1, ONOCR, 2}, {"onlret", 1, ONLRET, 2},
	{"ofill", 1, OFILL, 2}, {"ofdel", 1, OFDEL, 2},
	{"isig", 3, ISIG, 3}, {"icanon", 3, ICANON, 3}, {"iexten", 3, IEXTEN, 3},
	{"echo", 3, ECHO, 3}, {"echoe", 3, ECHOE, 3}, {"echok", 3, ECHOK, 3},
	{"echonl", 3, ECHONL, 3}, {"noflsh", 3, NOFLSH, 3}, {"xcase", 3, XCASE, 3},
	{"tostop", 3, TOSTOP, 3}, {"echoprt", 3, ECHOPRT, 3}, {"echoctl", 3, ECHOCTL, 3},
	{"echoke", 3, ECHOKE, 3}, {"flusho", 3, FLUSHO, 3}, {"extproc", 3, EXTPROC, 3},
};
#define NR_FLAGS (sizeof(flags) / sizeof(flags[0]))

static tcflag_t *field(struct termios *t, int which)
{
	return which == 0 ? &t->c_iflag : which == 1 ? &t->c_oflag : which == 2 ? &t->c_cflag :
	       &t->c_lflag;
}

static const struct {
	const char *name;
	int index;
} ccs[] = {
	{"intr", VINTR}, {"quit", VQUIT}, {"erase", VERASE}, {"kill", VKILL}, {"eof", VEOF},
	{"eol", VEOL}, {"eol2", VEOL2}, {"swtch", VSWTC}, {"start", VSTART}, {"stop", VSTOP},
	{"susp", VSUSP}, {"rprnt", VREPRINT}, {"werase", VWERASE}, {"lnext", VLNEXT},
	{"discard", VDISCARD},
};

static void cc_text(cc_t c, char *buf)
{
	if (c == _POSIX_VDISABLE)
		strcpy(buf, "<undef>");
	else if (c == 127)
		strcpy(buf, "^?");
	else if (c < 32)
		sprintf(buf, "^%c", c + '@');
	else
		sprintf(buf, "%c", c);
}

static void print_all(struct termios *t, struct winsize *ws)
{
	char buf[16];
	printf("speed 38400 baud; rows %d; columns %d; line = %d;\n", ws->ws_row, ws->ws_col, t->c_line);
	for (size_t i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++) {
		cc_text(t->c_cc[ccs[i].index], buf);
		printf("%s = %s; ", ccs[i].name, buf);
	}
	printf("min = %d; time = %d;\n", t->c_cc[VMIN], t->c_cc[VTIME]);
	for (int line = 0; line < 4; line++) {
		int first = 1;
		for (size_t i = 0; i < NR_FLAGS; i++) {
			if (flags[i].line != line)
				continue;
			tcflag_t v = *field(t, flags[i].which);
			int on = flags[i].bit == CS8 ? (v & CSIZE) == CS8 : (v & flags[i].bit) != 0;
			printf("%s%s%s", first ? "" : " ", on ? "" : "-", flags[i].name);
			first = 0;
		}
		putchar('\n');
	}
}

static void make_sane(struct termios *t)
{
	t->c_iflag = BRKINT | ICRNL | IMAXBEL | IXON | IUTF8;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = (t->c_cflag & (CBAUD | CBAUDEX)) | CS8 | CREAD;
	t->c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
	static const cc_t def[][2] = {{VINTR, 3}, {VQUIT, 28}, {VERASE, 127}, {VKILL, 21},
				      {VEOF, 4}, {VSTART, 17}, {VSTOP, 19}, {VSUSP, 26},
				      {VREPRINT, 18}, {VWERASE, 23}, {VLNEXT, 22}, {VDISCARD, 15},
				      {VMIN, 1}, {VTIME, 0}, {VEOL, 0}, {VEOL2, 0}, {VSWTC, 0}};
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		t->c_cc[def[i][0]] = def[i][1];
}

static void make_raw(struct termios *t, int on)
{
	if (on) {
		cfmakeraw(t);
		t->c_cc[VMIN] = 1;
		t->c_cc[VTIME] = 0;
	} else {
		t->c_iflag |= BRKINT | IGNPAR | ISTRIP | ICRNL | IXON;
		t->c_oflag |= OPOST;
		t->c_lflag |= ISIG | ICANON;
	}
}

/* setting: applies one argument; returns args consumed, or -1 if it is unknown. */
static int setting(struct termios *t, struct winsize *ws, int *ws_changed, char **argv)
{
	const char *a = argv[0];
	int neg = a[0] == '-';
	if (!strcmp(a, "raw") || !strcmp(a, "-cooked")) { make_raw(t, 1); return 1; }
	if (!strcmp(a, "-raw") || !strcmp(a, "cooked")) { make_raw(t, 0); return 1; }
	if (!strcmp(a, "sane")) { make_sane(t); return 1; }
	if (!strcmp(a, "rows") || !strcmp(a, "cols") || !strcmp(a, "columns") ||
	    !strcmp(a, "min") || !strcmp(a, "time")) {
		if (!argv[1]) {
			warnx("missing argument to '%s'", a);
			exit(1);
		}
		int v = atoi(argv[1]);
		if (a[0] == 'r') ws->ws_row = (unsigned short)v;
		else if (a[0] == 'c') ws->ws_col = (unsigned short)v;
		else t->c_cc[a[0] == 'm' ? VMIN : VTIME] = (cc_t)v;
		*ws_changed |= a[0] == 'r' || a[0] == 'c';
		return 2;
	}
	for (size_t i = 0; i < NR_FLAGS; i++) {
		if (strcmp(a + neg, flags[i].name))
			continue;
		if (neg)
			*field(t, flags[i].which) &= ~flags[i].bit;
		else
			*field(t, flags[i].which) |= flags[i].bit;
		return 1;
	}
	return -1;
}

int stty_main(int argc, char **argv)
{
	struct termios t;
	struct winsize ws = {0};
	int ws_changed = 0;
	if (tcgetattr(0, &t) < 0) {
		warn_errno("'standard input'");
		return 1;
	}
	ioctl(0, TIOCGWINSZ, &ws);
	if (argc == 1 || (argc == 2 && (!strcmp(argv[1], "-a") || !strcmp(argv[1], "--all")))) {
		print_all(&t, &ws);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "size")) {
		printf("%d %d\n", ws.ws_row, ws.ws_col);
		return 0;
	}
	for (int i = 1; i < argc;) {
		int k = setting(&t, &ws, &ws_changed, argv + i);
		if (k < 0) {
			warnx("invalid argument '%s'", argv[i]);
			fprintf(stderr, "Try 'stty --help' for more information.\n");
			return 1;
		}
		i += k;
	}
	if (tcsetattr(0, TCSADRAIN, &t) < 0) {
		warn_errno("'standard input'");
		return 1;
	}
	if (ws_changed && ioctl(0, TIOCSWINSZ, &ws) < 0) {
		warn_errno("'standard input'");
		return 1;
	}
	return 0;
}
