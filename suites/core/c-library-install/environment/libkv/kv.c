#include <stdlib.h>
#include <string.h>
#include "kv.h"

struct entry { char *key, *value; };
struct kv { struct entry *items; int n, cap; };

kv *kv_new(void) { return calloc(1, sizeof(kv)); }

static struct entry *find(const kv *s, const char *key)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->items[i].key, key) == 0)
            return &s->items[i];
    return NULL;
}

int kv_put(kv *s, const char *key, const char *value)
{
    struct entry *e = find(s, key);
    if (e) {
        free(e->value);
        e->value = strdup(value);
        return 0;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 8;
        struct entry *items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return -1;
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n].key = strdup(key);
    s->items[s->n].value = strdup(value);
    s->n++;
    return 0;
}

const char *kv_get(const kv *s, const char *key)
{
    struct entry *e = find(s, key);
    return e ? e->value : NULL;
}

int kv_size(const kv *s) { return s->n; }

void kv_free(kv *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->items[i].key);
        free(s->items[i].value);
    }
    free(s->items);
    free(s);
}
