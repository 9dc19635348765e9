/* userland/src/tools/ls.c: ls [-1aAdilR] [file...], in the format of GNU ls under LANG=C.
 *
 * Names sort by strcmp (the C locale). Output to a terminal is in columns sized to the window,
 * otherwise one name per line, as GNU ls does. -l prints "total" in 1 KiB blocks, the mode
 * string, link count, owner, group, size (or "major, minor" for devices), a date that shows the
 * time for files from the last six months and the year otherwise, and "-> target" for links.
 * Operands that are files are listed first, then each directory under a "dir:" header.
 * Exit status: 0, 1 for a problem inside a directory, 2 for an operand that cannot be accessed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

struct ent {
	char *name; /* as shown */
	char *path; /* for stat and readlink */
	struct stat st;
	int ok;
};

static int opt_l, opt_a, opt_A, opt_d, opt_1, opt_i, opt_R, opt_F;
static int status;

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static void mode_string(mode_t m, char *s)
{
	s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
	       S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & 0100) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & 010) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & 01) ? 't' : 'T';
	s[10] = 0;
}

static int digits(unsigned long v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? '/' : S_ISLNK(m) ? '@' : S_ISFIFO(m) ? '|' : S_ISSOCK(m) ? '=' :
	       (m & 0111) ? '*' : 0;
}

static void print_long(struct ent *e, int n)
{
	int w_link = 1, w_user = 1, w_group = 1, w_size = 1, w_ino = 1, w_major = 0, w_minor = 0;
	time_t now = time(NULL);
	for (int i = 0; i < n; i++) {
		struct stat *st = &e[i].st;
		int ws = digits((unsigned long)st->st_size);
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
			int wm = digits(major(st->st_rdev)), wn = digits(minor(st->st_rdev));
			w_major = wm > w_major ? wm : w_major;
			w_minor = wn > w_minor ? wn : w_minor;
			ws = 1;
		}
		w_link = digits(st->st_nlink) > w_link ? digits(st->st_nlink) : w_link;
		w_size = ws > w_size ? ws : w_size;
		w_ino = digits(st->st_ino) > w_ino ? digits(st->st_ino) : w_ino;
		int lu = (int)strlen(uid_name(st->st_uid)), lg = (int)strlen(gid_name(st->st_gid));
		w_user = lu > w_user ? lu : w_user;
		w_group = lg > w_group ? lg : w_group;
	}
	/* Devices show "major, minor" in the size column, each part aligned on its own. */
	int w_dev = w_major ? w_major + 2 + w_minor : 0;
	w_size = w_size > w_dev ? w_size : w_dev;
	for (int i = 0; i < n; i++) {
		struct stat *st = &e[i].st;
		char mode[11], date[32], size[48];
		struct tm tm;
		time_t t = st->st_mtime;
		mode_string(st->st_mode, mode);
		localtime_r(&t, &tm);
		int recent = t <= now + 3600 && t > now - 15778476; /* six months, as GNU ls */
		strftime(date, sizeof(date), recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
			snprintf(size, sizeof(size), "%*s%*u, %*u", w_size - w_dev, "", w_major,
				 major(st->st_rdev), w_minor, minor(st->st_rdev));
		else
			snprintf(size, sizeof(size), "%*lld", w_size, (long long)st->st_size);
		if (opt_i)
			printf("%*lu ", w_ino, (unsigned long)st->st_ino);
		printf("%s %*lu %-*s %-*s %s %s %s", mode, w_link, (unsigned long)st->st_nlink,
		       w_user, uid_name(st->st_uid), w_group, gid_name(st->st_gid), size, date,
		       e[i].name);
		if (S_ISLNK(st->st_mode)) {
			char target[4096];
			ssize_t r = readlink(e[i].path, target, sizeof(target) - 1);
			if (r >= 0) {
				target[r] = 0;
				printf(" -> %s", target);
			}
		} else if (opt_F && type_char(st->st_mode)) {
			putchar(type_char(st->st_mode));
		}
		putchar('\n');
	}
}

static int term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	if (c && atoi(c) > 0)
		return atoi(c);
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static int shown_len(struct ent *e)
{
	return (int)strlen(e->name) + (opt_F && type_char(e->st.st_mode) ? 1 : 0) +
	       (opt_i ? digits(e->st.st_ino) + 1 : 0);
}

static void print_one(struct ent *e)
{
	if (opt_i)
		printf("%lu ", (unsigned long)e->st.st_ino);
	fputs(e->name, stdout);
	if (opt_F && type_char(e->st.st_mode))
		putchar(type_char(e->st.st_mode));
}

/* print_columns: GNU's layout: as many columns as fit, filled top to bottom, each column as
 * wide as its widest name plus two spaces (none after the last column). */
static void print_columns(struct ent *e, int n)
{
	int width = term_width(), cols, rows;
	int *w = calloc((size_t)n + 1, sizeof(int));
	for (cols = n; cols > 1; cols--) {
		int total = 0;
		rows = (n + cols - 1) / cols;
		if ((n + rows - 1) / rows != cols)
			continue;
		for (int c = 0; c < cols; c++) {
			w[c] = 0;
			for (int r = 0; r < rows && c * rows + r < n; r++)
				w[c] = shown_len(&e[c * rows + r]) > w[c] ? shown_len(&e[c * rows + r]) : w[c];
			total += w[c] + (c < cols - 1 ? 2 : 0);
		}
		if (total <= width)
			break;
	}
	if (cols < 1)
		cols = 1;
	rows = (n + cols - 1) / cols;
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			int k = c * rows + r;
			if (k >= n)
				continue;
			print_one(&e[k]);
			if (c < cols - 1 && (c + 1) * rows + r < n)
				printf("%*s", w[c] - shown_len(&e[k]) + 2, "");
		}
		putchar('\n');
	}
	free(w);
}

static void print_list(struct ent *e, int n)
{
	if (opt_l) {
		print_long(e, n);
	} else if (opt_1 || !isatty(1)) {
		for (int i = 0; i < n; i++) {
			print_one(&e[i]);
			putchar('\n');
		}
	} else if (n) {
		print_columns(e, n);
	}
}

static void free_ents(struct ent *e, int n)
{
	for (int i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

static void list_dir(const char *dir, int header, int *first);

static void list_dir_entries(const char *dir, DIR *d, int *first)
{
	struct ent *e = NULL;
	int n = 0, cap = 0;
	struct dirent *de;
	unsigned long long blocks = 0;
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;
		if (nm[0] == '.' && !opt_a &&
		    (!opt_A || !nm[1] || (nm[1] == '.' && !nm[2])))
			continue;
		if (n == cap)
			e = realloc(e, sizeof(*e) * (size_t)(cap = cap ? cap * 2 : 64));
		e[n].name = strdup(nm);
		if (asprintf(&e[n].path, "%s/%s", dir, nm) < 0)
			abort();
		e[n].ok = lstat(e[n].path, &e[n].st) == 0;
		if (!e[n].ok && (opt_l || opt_F || opt_i || opt_R)) {
			warn_errno("cannot access '%s'", e[n].path);
			status = 1;
			free(e[n].name);
			free(e[n].path);
			continue;
		}
		blocks += (unsigned long long)e[n].st.st_blocks;
		n++;
	}
	qsort(e, (size_t)n, sizeof(*e), cmp_ent);
	if (opt_l)
		printf("total %llu\n", blocks / 2);
	print_list(e, n);
	for (int i = 0; opt_R && i < n; i++) {
		const char *nm = e[i].name;
		if (S_ISDIR(e[i].st.st_mode) && strcmp(nm, ".") && strcmp(nm, ".."))
			list_dir(e[i].path, 1, first);
	}
	free_ents(e, n);
}

static void list_dir(const char *dir, int header, int *first)
{
	DIR *d = opendir(dir);
	if (!d) {
		warn_errno("cannot open directory '%s'", dir);
		status = 2;
		return;
	}
	if (header)
		printf("%s%s:\n", *first ? "" : "\n", dir);
	*first = 0;
	list_dir_entries(dir, d, first);
	closedir(d);
}

static int parse_opts(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 'l': opt_l = 1; break;
			case 'a': opt_a = 1; break;
			case 'A': opt_A = 1; break;
			case 'd': opt_d = 1; break;
			case '1': opt_1 = 1; break;
			case 'i': opt_i = 1; break;
			case 'R': opt_R = 1; break;
			case 'F': opt_F = 1; break;
			default:
				warnx("invalid option -- '%c'", *c);
				fprintf(stderr, "Usage: ls [-1aAdFilR] [FILE]...\n");
				exit(2);
			}
		}
	}
	return i;
}

int ls_main(int argc, char **argv)
{
	int i = parse_opts(argc, argv), nf = 0, nd = 0, first = 1;
	int nops = argc - i;
	struct ent *files = calloc((size_t)(nops + 1), sizeof(*files));
	char **dirs = calloc((size_t)(nops + 1), sizeof(char *));
	if (nops == 0) {
		argv[--i] = ".";
		nops = 1;
	}
	for (; i < argc; i++) {
		struct stat st;
		int r = opt_l || opt_d ? lstat(argv[i], &st) : stat(argv[i], &st);
		if (r < 0 && lstat(argv[i], &st) < 0) {
			warn_errno("cannot access '%s'", argv[i]);
			status = 2;
			continue;
		}
		if (S_ISDIR(st.st_mode) && !opt_d) {
			dirs[nd++] = argv[i];
		} else {
			files[nf] = (struct ent){strdup(argv[i]), strdup(argv[i]), st, 1};
			nf++;
		}
	}
	qsort(files, (size_t)nf, sizeof(*files), cmp_ent);
	print_list(files, nf);
	qsort(dirs, (size_t)nd, sizeof(*dirs), strcmp_ptr);
	first = nf == 0;
	for (int k = 0; k < nd; k++)
		list_dir(dirs[k], nops > 1 || opt_R, &first);
	free_ents(files, nf);
	free(dirs);
	if (fflush(stdout) != 0) {
		warn_errno("write error");
		return 2;
	}
	return status;
}
