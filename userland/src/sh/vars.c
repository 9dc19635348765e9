/* userland/src/sh/vars.c: shell variables and the environment passed to programs.
 * A flat array kept sorted by name, so `set` and `export -p` list in a fixed order. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct var {
	char *name;
	char *value; /* NULL: declared (export X) but unset */
	int exported;
};

static struct var *vars;
static int nr_vars, cap_vars;

int var_is_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha_c(s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum_c(s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* find: the index of name, or -(insertion point) - 1. */
static int find(const char *name)
{
	int lo = 0, hi = nr_vars;
	while (lo < hi) {
		int mid = (lo + hi) / 2, c = strcmp(vars[mid].name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -lo - 1;
}

static struct var *get_or_add(const char *name)
{
	int i = find(name);
	if (i >= 0)
		return &vars[i];
	i = -i - 1;
	if (nr_vars == cap_vars) {
		cap_vars = cap_vars ? cap_vars * 2 : 64;
		vars = realloc(vars, sizeof(*vars) * (size_t)cap_vars);
		if (!vars)
			abort();
	}
	memmove(&vars[i + 1], &vars[i], sizeof(*vars) * (size_t)(nr_vars - i));
	nr_vars++;
	vars[i] = (struct var){.name = strdup(name)};
	return &vars[i];
}

const char *var_get(const char *name)
{
	int i = find(name);
	return i >= 0 ? vars[i].value : NULL;
}

int var_set(const char *name, const char *value, int export_it)
{
	struct var *v = get_or_add(name);
	char *nv = value ? strdup(value) : NULL;
	free(v->value);
	v->value = nv;
	if (export_it)
		v->exported = 1;
	return 0;
}

void var_export(const char *name)
{
	get_or_add(name)->exported = 1;
}

int var_unset(const char *name)
{
	int i = find(name);
	if (i < 0)
		return 0;
	free(vars[i].name);
	free(vars[i].value);
	memmove(&vars[i], &vars[i + 1], sizeof(*vars) * (size_t)(nr_vars - i - 1));
	nr_vars--;
	return 0;
}

/* var_environ: a malloc'd NULL-terminated "NAME=value" array of the exported variables. The
 * caller is about to exec or exit, so it is never freed. */
char **var_environ(void)
{
	char **env = malloc(sizeof(char *) * (size_t)(nr_vars + 1));
	int n = 0;
	for (int i = 0; i < nr_vars; i++) {
		if (!vars[i].exported || !vars[i].value)
			continue;
		size_t len = strlen(vars[i].name) + strlen(vars[i].value) + 2;
		env[n] = malloc(len);
		snprintf(env[n++], len, "%s=%s", vars[i].name, vars[i].value);
	}
	env[n] = NULL;
	return env;
}

static void print_quoted(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

void var_print(int exported_only)
{
	for (int i = 0; i < nr_vars; i++) {
		if (exported_only && !vars[i].exported)
			continue;
		if (exported_only)
			printf("export %s", vars[i].name);
		else if (!vars[i].value)
			continue;
		else
			printf("%s", vars[i].name);
		if (vars[i].value) {
			putchar('=');
			print_quoted(vars[i].value);
		}
		putchar('\n');
	}
}

void var_import_env(char **envp)
{
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		if (!eq || !var_is_name(*envp, (size_t)(eq - *envp)))
			continue;
		char *name = strndup(*envp, (size_t)(eq - *envp));
		var_set(name, eq + 1, 1);
		free(name);
	}
}
