/* userland/src/sh/util.c: the arena the parse trees live in, and growable strings.
 * Allocation failure ends the shell with a message: a shell that cannot allocate a few bytes
 * cannot run anything either. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_CHUNK_BYTES 8192

static void __attribute__((noreturn)) oom(void)
{
	static const char msg[] = "sh: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		oom();
	return p;
}

void *arena_alloc(struct arena *a, size_t n_bytes)
{
	struct arena_chunk *c = a->head;
	size_t n = (n_bytes + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->used + n > c->size) {
		size_t size = n > ARENA_CHUNK_BYTES ? n : ARENA_CHUNK_BYTES;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

void str_putn(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			oom();
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void str_putc(struct str *b, char c)
{
	str_putn(b, &c, 1);
}

void str_puts(struct str *b, const char *s)
{
	str_putn(b, s, strlen(s));
}

char *str_take(struct str *b)
{
	char *s = b->s ? b->s : strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}
