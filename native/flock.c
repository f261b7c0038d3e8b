/*
 * flock(2) for tack's file store: an exclusive (writer) or shared (reader) advisory lock on an
 * open file, taken without blocking. The kernel drops it when the holding process dies, so a dead
 * holder never needs reclaiming, and taking it changes nothing on disk (no lock file is created or
 * removed per append).
 *
 * And sameFile(fd, path), with which a writer that keeps its files open checks that their paths
 * still name them: statx(2) asking only for the inode number, because a look at a file's times
 * (any stat, fstat included) makes the file's next write dearer to fdatasync (docs/ARCHITECTURE.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <node_api.h>

static napi_value fail(napi_env env, int err) {
  napi_throw_error(env, NULL, strerror(err));
  return NULL;
}

static int fd_arg(napi_env env, napi_callback_info info, int32_t *fd) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return 0;
  return napi_get_value_int32(env, argv[0], fd) == napi_ok;
}

static napi_value try_lock(napi_env env, napi_callback_info info, int mode) {
  int32_t fd;
  napi_value result;
  if (!fd_arg(env, info, &fd)) return fail(env, EINVAL);
  int r;
  do r = flock(fd, mode | LOCK_NB);
  while (r != 0 && errno == EINTR);
  if (r != 0 && errno != EWOULDBLOCK) return fail(env, errno);
  napi_get_boolean(env, r == 0, &result);
  return result;
}

/* tryLockExclusive(fd): true when this open file now holds the lock, false when another holds it. */
static napi_value try_lock_exclusive(napi_env env, napi_callback_info info) { return try_lock(env, info, LOCK_EX); }

/* tryLockShared(fd): as tryLockExclusive, but other shared holders may hold it too. */
static napi_value try_lock_shared(napi_env env, napi_callback_info info) { return try_lock(env, info, LOCK_SH); }

/* unlock(fd) */
static napi_value unlock(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_arg(env, info, &fd)) return fail(env, EINVAL);
  if (flock(fd, LOCK_UN) != 0) return fail(env, errno);
  return NULL;
}

/*
 * sameFile(fd, path): whether path names the file open as fd (same device and inode number); false
 * when nothing is at path. While fd is open its inode cannot be freed, so no other file can have
 * its number: a file deleted and made again at path is never mistaken for the one held.
 */
static napi_value same_file(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  char path[4096];
  size_t len;
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, EINVAL);
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, EINVAL);
  if (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok) return fail(env, EINVAL);
  if (len >= sizeof path - 1) return fail(env, ENAMETOOLONG);
  struct statx held, named;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_INO, &held) != 0) return fail(env, errno);
  int same;
  if (statx(AT_FDCWD, path, 0, STATX_INO, &named) != 0) {
    if (errno != ENOENT) return fail(env, errno);
    same = 0;
  } else {
    same = held.stx_ino == named.stx_ino && held.stx_dev_major == named.stx_dev_major && held.stx_dev_minor == named.stx_dev_minor;
  }
  napi_get_boolean(env, same, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "tryLockExclusive", NAPI_AUTO_LENGTH, try_lock_exclusive, NULL, &f);
  napi_set_named_property(env, exports, "tryLockExclusive", f);
  napi_create_function(env, "tryLockShared", NAPI_AUTO_LENGTH, try_lock_shared, NULL, &f);
  napi_set_named_property(env, exports, "tryLockShared", f);
  napi_create_function(env, "unlock", NAPI_AUTO_LENGTH, unlock, NULL, &f);
  napi_set_named_property(env, exports, "unlock", f);
  napi_create_function(env, "sameFile", NAPI_AUTO_LENGTH, same_file, NULL, &f);
  napi_set_named_property(env, exports, "sameFile", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
