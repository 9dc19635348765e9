/* userland/src/tools/tools.h: the multi-call tool binary /bin/umbox.
 *
 * Every tool is one file, <name>.c, defining <name>_main(). main.c dispatches on the name the
 * binary was run as (/bin/ls is a symbolic link to umbox), or on its first argument
 * (`umbox ls -l`). One static binary instead of 27 keeps the image small: glibc's static
 * startup code is most of each program.
 *
 * Messages and exit statuses follow GNU coreutils/procps where the tool exists there.
 */
#ifndef TOOLS_H
#define TOOLS_H

#include <stddef.h>
#include <sys/types.h>

extern const char *prog; /* the tool's name, for messages */

void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_all(int fd, const void *buf, size_t n);
int copy_fd(int in, int out); /* 0 on success, -1 (errno set) */
char *read_file(const char *path, size_t *len); /* whole file, NUL-terminated; NULL on error */
const char *uid_name(uid_t uid);
const char *gid_name(gid_t gid);
int sig_from_name(const char *name); /* "INT", "SIGINT", "2" → 2; -1 if unknown */
const char *sig_name(int sig);       /* 2 → "INT" */
int echo_escapes(const char *s);     /* prints s with \n \t \0nnn...; 1 if \c seen */

#define TOOL(name) int name##_main(int argc, char **argv)
TOOL(cat); TOOL(cp); TOOL(dmesg); TOOL(echo); TOOL(env); TOOL(false); TOOL(free);
TOOL(grep); TOOL(head); TOOL(kill); TOOL(ln); TOOL(ls); TOOL(mkdir); TOOL(mount); TOOL(mv);
TOOL(pmap); TOOL(printf); TOOL(ps); TOOL(rm); TOOL(sleep); TOOL(stty); TOOL(tail); TOOL(touch);
TOOL(true); TOOL(umount); TOOL(uname); TOOL(wc);

#endif
