#ifndef KV_H
#define KV_H
typedef struct kv kv;
kv *kv_new(void);
int kv_put(kv *store, const char *key, const char *value);
const char *kv_get(const kv *store, const char *key);
int kv_size(const kv *store);
void kv_free(kv *store);
#endif
