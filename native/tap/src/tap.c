/*
 * fptap: flowplane's TAP port addon (N-API, C).
 *
 * Why an addon: a TAP needs the TUNSETIFF ioctl, which Node cannot issue, and moving frames one `fs.read`
 * at a time is 5-10x slower than batched read(2)/write(2) (measured on this machine kind). So this file does
 * only what JavaScript cannot do cheaply:
 *
 *   open(name, {vnetHdr, multiQueue, persist})  -> {fd, name}   create or attach a TAP (IFF_TAP|IFF_NO_PI),
 *                                                                non-blocking, link set up
 *   readBatch(fd, bytes, offsets, cap, lengths, max) -> n       read frames straight into packet-pool slots
 *                                                                (bytes: the pool's Uint8Array over its
 *                                                                SharedArrayBuffer; offsets[i]: where frame i
 *                                                                goes; cap: the room a slot has) until the
 *                                                                device is empty or `max` frames; lengths[i]
 *                                                                gets each length. n < 0: -errno.
 *   writeBatch(fd, bytes, offsets, lengths, n)     -> sent       write n frames; stops at EAGAIN (the caller
 *                                                                counts the rest as tx drops)
 *   watch(fd, callback) -> handle / unwatch(handle)             call `callback()` on the JS thread whenever
 *                                                                the fd is readable (libuv poll: no busy loop,
 *                                                                no thread hop; the callback drains with
 *                                                                readBatch)
 *   setPersist(fd, on), setUp(name, up), close(fd), features()  the remaining ioctls
 *
 * With IFF_VNET_HDR (open's vnetHdr) every frame on the fd is preceded by a 10-byte virtio_net_hdr
 * (flags, gso_type, hdr_len, gso_size, csum_start, csum_offset; host byte order):
 *
 *   setOffload(fd, flags) -> 0 | -errno                          TUNSETOFFLOAD: what the kernel may hand us
 *                                                                (TUN_F_CSUM, TUN_F_TSO4, ...)
 *   readBatchV(fd, bytes, offsets, cap, lengths, max, hdrs) -> n  readBatch with the header of frame i read
 *                                                                into hdrs[10i..10i+10) (readv). A frame
 *                                                                flagged NEEDS_CSUM gets its L4 checksum
 *                                                                completed here (the field holds the pseudo-
 *                                                                header sum; summing from csum_start over
 *                                                                the rest of the frame finishes it) and the
 *                                                                flag cleared, so the flow only ever sees
 *                                                                complete checksums (NAT and TTL rewrites
 *                                                                then stay the ordinary incremental ones).
 *                                                                Done in C: 64 KiB super-frames are summed at
 *                                                                memory speed, not at JavaScript's.
 *   writeBatchV(fd, bytes, offsets, lengths, n, hdrs) -> sent    writeBatch with a header per frame (writev)
 *   checksum(bytes, off, len, seed) -> folded 16-bit one's-complement sum of bytes[off..off+len) plus seed
 *
 * No per-frame allocation: the JS side passes preallocated typed arrays. Errors of the device (EIO when the
 * link went down, EAGAIN) are return values, never exceptions; only misuse (wrong argument types) throws.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "fptap: N-API call failed: " #call); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

static napi_value make_int(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

static int get_bool_prop(napi_env env, napi_value obj, const char *name) {
  bool has = false;
  napi_value v;
  bool b = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return 0;
  if (napi_get_value_bool(env, v, &b) != napi_ok) return 0;
  return b ? 1 : 0;
}

/* A typed array's data pointer and element count; NULL on a wrong type. */
static void *typed(napi_env env, napi_value v, napi_typedarray_type want, size_t *len) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return NULL;
  napi_typedarray_type t;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, &data, &ab, &off) != napi_ok || t != want) return NULL;
  return data;
}

static int set_link(const char *name, int up) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  size_t n = strnlen(name, IFNAMSIZ - 1);
  memcpy(ifr.ifr_name, name, n);
  int rc = 0;
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) rc = -errno;
  else {
    if (up) ifr.ifr_flags |= IFF_UP;
    else ifr.ifr_flags &= ~IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) rc = -errno;
  }
  close(s);
  return rc;
}

/* open(name, opts) -> { fd, name } ; throws with the errno text when the device cannot be made. */
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IFNAMSIZ + 1];
  size_t nlen = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &nlen) != napi_ok || nlen >= IFNAMSIZ) {
    napi_throw_type_error(env, NULL, "fptap.open: name must be a string of at most 15 characters");
    return NULL;
  }
  int vnet = 0, mq = 0, persist = 0, noUp = 0;
  if (argc >= 2) {
    vnet = get_bool_prop(env, argv[1], "vnetHdr");
    mq = get_bool_prop(env, argv[1], "multiQueue");
    persist = get_bool_prop(env, argv[1], "persist");
    noUp = get_bool_prop(env, argv[1], "noUp");
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "/dev/net/tun: %s", strerror(errno));
    napi_throw_error(env, "ENOTUN", msg);
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0) | (mq ? IFF_MULTI_QUEUE : 0);
  memcpy(ifr.ifr_name, name, nlen); /* nlen < IFNAMSIZ, the rest is zero */
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "TUNSETIFF %s: %s", name, strerror(errno));
    close(fd);
    napi_throw_error(env, "ETUNSETIFF", msg);
    return NULL;
  }
  if (persist && ioctl(fd, TUNSETPERSIST, 1) < 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "TUNSETPERSIST %s: %s", ifr.ifr_name, strerror(errno));
    close(fd);
    napi_throw_error(env, "ETUNSETPERSIST", msg);
    return NULL;
  }
  if (!noUp) {
    int rc = set_link(ifr.ifr_name, 1);
    if (rc < 0) {
      char msg[200];
      snprintf(msg, sizeof msg, "bringing %s up: %s", ifr.ifr_name, strerror(-rc));
      close(fd);
      napi_throw_error(env, "EIFUP", msg);
      return NULL;
    }
  }
  napi_value obj, vname;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_set_named_property(env, obj, "fd", make_int(env, fd)));
  CHECK(napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &vname));
  CHECK(napi_set_named_property(env, obj, "name", vname));
  return obj;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/* ---- readiness: a libuv poll handle per watched fd ---- */

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_async_context actx;
  int closing;
} watch_t;

static void on_closed(uv_handle_t *h) {
  free(h->data);
}

static void on_readable(uv_poll_t *p, int status, int events) {
  watch_t *w = (watch_t *)p->data;
  if (w->closing) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, ret;
  if (napi_get_reference_value(env, w->cb, &cb) == napi_ok && cb != NULL) {
    napi_get_global(env, &recv); /* make_callback needs an object receiver */
    napi_value arg = make_int(env, status);
    /* make_callback: exceptions go to 'uncaughtException' and microtasks run, as for any libuv callback */
    napi_make_callback(env, w->actx, recv, cb, 1, &arg, &ret);
  }
  napi_close_handle_scope(env, scope);
}

static napi_value Watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  napi_valuetype t;
  if (argc < 2 || !get_int(env, argv[0], &fd) || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "fptap.watch(fd, callback)");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watch_t *w = calloc(1, sizeof *w);
  if (w == NULL) {
    napi_throw_error(env, NULL, "fptap.watch: out of memory");
    return NULL;
  }
  w->env = env;
  napi_value name, resource;
  CHECK(napi_create_string_utf8(env, "fptap.watch", NAPI_AUTO_LENGTH, &name));
  /* Node 20 needs a resource object here (NULL makes async_hooks throw on ToObject). */
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_async_init(env, resource, name, &w->actx));
  CHECK(napi_create_reference(env, argv[1], 1, &w->cb));
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc == 0) {
    w->poll.data = w;
    rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  }
  if (rc != 0) {
    napi_delete_reference(env, w->cb);
    napi_async_destroy(env, w->actx);
    free(w);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  napi_value ext;
  CHECK(napi_create_external(env, w, NULL, NULL, &ext));
  return ext;
}

static napi_value Unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *p = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "fptap.unwatch(handle)");
    return NULL;
  }
  watch_t *w = p;
  if (!w->closing) {
    w->closing = 1;
    uv_poll_stop(&w->poll);
    napi_delete_reference(env, w->cb);
    napi_async_destroy(env, w->actx);
    uv_close((uv_handle_t *)&w->poll, on_closed);
  }
  return NULL;
}

static napi_value SetPersist(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  bool on = false;
  if (argc < 2 || !get_int(env, argv[0], &fd) || napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "fptap.setPersist(fd, on)");
    return NULL;
  }
  return make_int(env, ioctl(fd, TUNSETPERSIST, on ? 1 : 0) < 0 ? -errno : 0);
}

static napi_value SetUp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IFNAMSIZ + 1];
  size_t nlen = 0;
  bool up = true;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &nlen) != napi_ok || nlen >= IFNAMSIZ ||
      napi_get_value_bool(env, argv[1], &up) != napi_ok) {
    napi_throw_type_error(env, NULL, "fptap.setUp(name, up)");
    return NULL;
  }
  return make_int(env, set_link(name, up));
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  if (argc < 1 || !get_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, "fptap.close(fd)");
    return NULL;
  }
  return make_int(env, close(fd) < 0 ? -errno : 0);
}

/* features() -> TUNGETFEATURES bits (what this kernel's tun driver supports), or -errno */
static napi_value Features(napi_env env, napi_callback_info info) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return make_int(env, -errno);
  unsigned int f = 0;
  int rc = ioctl(fd, TUNGETFEATURES, &f) < 0 ? -errno : (int)f;
  close(fd);
  return make_int(env, rc);
}

static napi_value Strerror(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t e = 0;
  if (argc >= 1) get_int(env, argv[0], &e);
  napi_value s;
  CHECK(napi_create_string_utf8(env, strerror(e < 0 ? -e : e), NAPI_AUTO_LENGTH, &s));
  return s;
}

/* ---- vnet_hdr: offloads ---- */

#define VNET_HDR_LEN 10
#define VNET_F_NEEDS_CSUM 1

/* One's-complement sum of b[0..len) (network byte order words) added to `sum`, unfolded. */
static uint64_t csum_add(const uint8_t *b, size_t len, uint64_t sum) {
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, b, 8);
    /* big-endian 16-bit words summed in a 64-bit accumulator: add the 32-bit halves after a byte swap */
    w = __builtin_bswap64(w);
    sum += (w >> 32) + (w & 0xffffffffu);
    b += 8;
    len -= 8;
  }
  while (len >= 2) {
    sum += ((uint32_t)b[0] << 8) | b[1];
    b += 2;
    len -= 2;
  }
  if (len) sum += (uint32_t)b[0] << 8;
  return sum;
}

static uint16_t csum_fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

/* Finish a NEEDS_CSUM frame: the field at csum_start+csum_offset holds the pseudo-header sum. */
static void finish_csum(uint8_t *frame, size_t len, uint8_t *hdr) {
  uint16_t start, offset;
  memcpy(&start, hdr + 6, 2);
  memcpy(&offset, hdr + 8, 2);
  if ((size_t)start + offset + 2 > len) return; /* malformed: left as it is (the flow counts bad frames) */
  uint16_t c = (uint16_t)~csum_fold(csum_add(frame + start, len - start, 0));
  if (c == 0 && offset == 6) c = 0xffff; /* UDP: 0 means "no checksum" */
  frame[start + offset] = (uint8_t)(c >> 8);
  frame[start + offset + 1] = (uint8_t)c;
  hdr[0] &= (uint8_t)~VNET_F_NEEDS_CSUM;
}

static napi_value SetOffload(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, flags;
  if (argc < 2 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &flags)) {
    napi_throw_type_error(env, NULL, "fptap.setOffload(fd, flags)");
    return NULL;
  }
  return make_int(env, ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags) < 0 ? -errno : 0);
}

/*
 * readBatch(fd, bytes: Uint8Array, offsets: Int32Array, cap, lengths: Int32Array, max) -> n | -errno
 * readBatchV(fd, bytes, offsets, cap, lengths, max, hdrs: Uint8Array) -> n | -errno
 * Frames are read into the slots at offsets (at most cap bytes each), their lengths into lengths. The V form
 * (IFF_VNET_HDR) reads each frame's virtio_net_hdr into hdrs beside it and completes a partial checksum.
 */
static napi_value read_batch(napi_env env, napi_callback_info info, int vnet) {
  const char *name = vnet ? "fptap.readBatchV" : "fptap.readBatch";
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, cap, max;
  size_t blen, olen, llen, hlen = 0;
  if (argc < (vnet ? 7u : 6u) || !get_int(env, argv[0], &fd) || !get_int(env, argv[3], &cap) || !get_int(env, argv[5], &max)) {
    napi_throw_type_error(env, NULL, vnet ? "fptap.readBatchV(fd, bytes, offsets, cap, lengths, max, hdrs)" : "fptap.readBatch(fd, bytes, offsets, cap, lengths, max)");
    return NULL;
  }
  uint8_t *bytes = typed(env, argv[1], napi_uint8_array, &blen);
  int32_t *offs = typed(env, argv[2], napi_int32_array, &olen);
  int32_t *lens = typed(env, argv[4], napi_int32_array, &llen);
  uint8_t *hdrs = vnet ? typed(env, argv[6], napi_uint8_array, &hlen) : NULL;
  if (bytes == NULL || offs == NULL || lens == NULL || (vnet && hdrs == NULL) || cap <= 0) {
    napi_throw_type_error(env, NULL, vnet ? "fptap.readBatchV: bytes and hdrs must be Uint8Arrays, offsets and lengths Int32Arrays" : "fptap.readBatch: bytes must be a Uint8Array, offsets and lengths Int32Arrays");
    return NULL;
  }
  if ((size_t)max > olen) max = (int32_t)olen;
  if ((size_t)max > llen) max = (int32_t)llen;
  if (vnet && (size_t)max > hlen / VNET_HDR_LEN) max = (int32_t)(hlen / VNET_HDR_LEN);
  int n = 0;
  while (n < max) {
    int32_t off = offs[n];
    if (off < 0 || (size_t)off + (size_t)cap > blen) {
      char msg[80];
      snprintf(msg, sizeof msg, "%s: a slot lies outside the buffer", name);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
    uint8_t *h = vnet ? hdrs + n * VNET_HDR_LEN : NULL;
    struct iovec iov[2] = {{h, VNET_HDR_LEN}, {bytes + off, (size_t)cap}};
    ssize_t r = vnet ? readv(fd, iov, 2) : read(fd, bytes + off, (size_t)cap);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (n == 0 && errno != EAGAIN) return make_int(env, -errno);
      break;
    }
    if (vnet) {
      if (r < VNET_HDR_LEN) continue; /* cannot happen with IFF_VNET_HDR; skip rather than misread */
      r -= VNET_HDR_LEN;
      if (h[0] & VNET_F_NEEDS_CSUM) finish_csum(bytes + off, (size_t)r, h);
    }
    lens[n++] = (int32_t)r;
  }
  return make_int(env, n);
}

static napi_value ReadBatch(napi_env env, napi_callback_info info) {
  return read_batch(env, info, 0);
}

static napi_value ReadBatchV(napi_env env, napi_callback_info info) {
  return read_batch(env, info, 1);
}

/*
 * writeBatch(fd, bytes: Uint8Array, offsets: Int32Array, lengths: Int32Array, n) -> frames written | -errno
 * writeBatchV(fd, bytes, offsets, lengths, n, hdrs) -> frames written | -errno (each frame after its header)
 */
static napi_value write_batch(napi_env env, napi_callback_info info, int vnet) {
  const char *name = vnet ? "fptap.writeBatchV" : "fptap.writeBatch";
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, n;
  size_t blen, olen, llen, hlen = 0;
  if (argc < (vnet ? 6u : 5u) || !get_int(env, argv[0], &fd) || !get_int(env, argv[4], &n)) {
    napi_throw_type_error(env, NULL, vnet ? "fptap.writeBatchV(fd, bytes, offsets, lengths, n, hdrs)" : "fptap.writeBatch(fd, bytes, offsets, lengths, n)");
    return NULL;
  }
  uint8_t *bytes = typed(env, argv[1], napi_uint8_array, &blen);
  int32_t *offs = typed(env, argv[2], napi_int32_array, &olen);
  int32_t *lens = typed(env, argv[3], napi_int32_array, &llen);
  uint8_t *hdrs = vnet ? typed(env, argv[5], napi_uint8_array, &hlen) : NULL;
  if (bytes == NULL || offs == NULL || lens == NULL || (vnet && hdrs == NULL)) {
    napi_throw_type_error(env, NULL, vnet ? "fptap.writeBatchV: bytes and hdrs must be Uint8Arrays, offsets and lengths Int32Arrays" : "fptap.writeBatch: bytes must be a Uint8Array, offsets and lengths Int32Arrays");
    return NULL;
  }
  if ((size_t)n > olen) n = (int32_t)olen;
  if ((size_t)n > llen) n = (int32_t)llen;
  if (vnet && (size_t)n > hlen / VNET_HDR_LEN) n = (int32_t)(hlen / VNET_HDR_LEN);
  int i = 0;
  while (i < n) {
    int32_t off = offs[i], len = lens[i];
    if (off < 0 || len < 0 || (size_t)off + (size_t)len > blen) {
      char msg[80];
      snprintf(msg, sizeof msg, "%s: a frame lies outside the buffer", name);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
    struct iovec iov[2] = {{vnet ? hdrs + i * VNET_HDR_LEN : NULL, VNET_HDR_LEN}, {bytes + off, (size_t)len}};
    ssize_t w = vnet ? writev(fd, iov, 2) : write(fd, bytes + off, (size_t)len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (i == 0 && errno != EAGAIN) return make_int(env, -errno);
      break;
    }
    i++;
  }
  return make_int(env, i);
}

static napi_value WriteBatch(napi_env env, napi_callback_info info) {
  return write_batch(env, info, 0);
}

static napi_value WriteBatchV(napi_env env, napi_callback_info info) {
  return write_batch(env, info, 1);
}

/* checksum(bytes, off, len, seed) -> folded sum (not inverted) */
static napi_value Checksum(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t off, len, seed;
  size_t blen;
  if (argc < 4 || !get_int(env, argv[1], &off) || !get_int(env, argv[2], &len) || !get_int(env, argv[3], &seed)) {
    napi_throw_type_error(env, NULL, "fptap.checksum(bytes, off, len, seed)");
    return NULL;
  }
  uint8_t *bytes = typed(env, argv[0], napi_uint8_array, &blen);
  if (bytes == NULL || off < 0 || len < 0 || (size_t)off + (size_t)len > blen) {
    napi_throw_range_error(env, NULL, "fptap.checksum: range outside the buffer");
    return NULL;
  }
  return make_int(env, csum_fold(csum_add(bytes + off, (size_t)len, (uint32_t)seed)));
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readBatch", NULL, ReadBatch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeBatch", NULL, WriteBatch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch", NULL, Watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatch", NULL, Unwatch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setPersist", NULL, SetPersist, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setUp", NULL, SetUp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"features", NULL, Features, NULL, NULL, NULL, napi_enumerable, NULL},
      {"strerror", NULL, Strerror, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setOffload", NULL, SetOffload, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readBatchV", NULL, ReadBatchV, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeBatchV", NULL, WriteBatchV, NULL, NULL, NULL, napi_enumerable, NULL},
      {"checksum", NULL, Checksum, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
