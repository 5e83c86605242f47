/*
 * qmpkit's optional native part: non-blocking unix stream sockets that pass file
 * descriptors with SCM_RIGHTS. Only syscalls and a libuv poll handle live here; the
 * stream logic (queueing, backpressure, fd bookkeeping) is TypeScript in runtime/fd/.
 *
 * Node-API (ABI-stable across Node versions) plus libuv's uv_poll, both from Node's
 * own headers: no npm dependency.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

/* Linux's SCM_MAX_FD: the most fds one sendmsg may carry. */
#define MAX_FDS 253

typedef union {
  char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
  struct cmsghdr align;
} control_t;

#define NAPI_OK(call)                                         \
  do {                                                        \
    if ((call) != napi_ok) {                                  \
      napi_throw_error(env, NULL, "Node-API call failed: " #call); \
      return NULL;                                            \
    }                                                         \
  } while (0)

/* An Error shaped like Node's own system errors: message, code, errno (negative), syscall, path. */
static napi_value errno_error(napi_env env, int err, const char *syscall, const char *path) {
  const char *code = uv_err_name(-err);
  char message[300];
  if (path != NULL && path[0] != '\0')
    snprintf(message, sizeof message, "%s %s %s", syscall, code, path);
  else
    snprintf(message, sizeof message, "%s %s", syscall, code);
  napi_value js_code, js_message, error, value;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &js_message);
  napi_create_error(env, js_code, js_message, &error);
  napi_create_int32(env, -err, &value);
  napi_set_named_property(env, error, "errno", value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "syscall", value);
  if (path != NULL && path[0] != '\0') {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, error, "path", value);
  }
  return error;
}

static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  napi_throw(env, errno_error(env, err, syscall, path));
  return NULL;
}

static napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, napi_value *self) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, self, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return 0;
  }
  return 1;
}

static int get_fd(napi_env env, napi_value v, int *fd) {
  int32_t n;
  if (napi_get_value_int32(env, v, &n) != napi_ok || n < 0) {
    napi_throw_type_error(env, NULL, "expected a file descriptor");
    return 0;
  }
  *fd = n;
  return 1;
}

/* Fills a sockaddr_un from a JS string; a leading NUL selects the abstract namespace. */
static int get_address(napi_env env, napi_value v, struct sockaddr_un *addr, socklen_t *addrlen,
                       char *display, size_t display_size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a socket path");
    return 0;
  }
  char path[sizeof addr->sun_path + 1];
  if (len == 0 || len >= sizeof addr->sun_path) {
    napi_throw(env, errno_error(env, len == 0 ? EINVAL : ENAMETOOLONG, "socket path", NULL));
    return 0;
  }
  napi_get_value_string_utf8(env, v, path, sizeof path, &len);
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  memcpy(addr->sun_path, path, len);
  *addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '\0' ? 0 : 1));
  snprintf(display, display_size, "%s", path[0] == '\0' ? "@abstract" : path);
  if (path[0] == '\0' && len > 1) snprintf(display, display_size, "@%.*s", (int)(len - 1), path + 1);
  return 1;
}

/* connect(path): a connected, non-blocking, close-on-exec socket fd. Throws the OS error. */
static napi_value js_connect(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  struct sockaddr_un addr;
  socklen_t addrlen;
  char display[sizeof addr.sun_path + 2];
  if (!get_args(env, info, 1, argv, NULL)) return NULL;
  if (!get_address(env, argv[0], &addr, &addrlen, display, sizeof display)) return NULL;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket", NULL);
  /* A unix-domain connect never blocks: it succeeds, fails, or says EAGAIN (backlog full). */
  if (connect(fd, (struct sockaddr *)&addr, addrlen) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "connect", display);
  }
  return make_int(env, fd);
}

/* listen(path, backlog): a bound, listening, non-blocking socket fd. */
static napi_value js_listen(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  struct sockaddr_un addr;
  socklen_t addrlen;
  char display[sizeof addr.sun_path + 2];
  int32_t backlog;
  if (!get_args(env, info, 2, argv, NULL)) return NULL;
  if (!get_address(env, argv[0], &addr, &addrlen, display, sizeof display)) return NULL;
  if (napi_get_value_int32(env, argv[1], &backlog) != napi_ok) backlog = 16;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket", NULL);
  if (bind(fd, (struct sockaddr *)&addr, addrlen) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "bind", display);
  }
  if (listen(fd, backlog) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "listen", display);
  }
  return make_int(env, fd);
}

/* accept(fd): a new non-blocking connection fd, or -1 when none is pending. */
static napi_value js_accept(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  for (;;) {
    int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn >= 0) return make_int(env, conn);
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return make_int(env, -1);
    return throw_errno(env, errno, "accept", NULL);
  }
}

static int get_bytes(napi_env env, napi_value v, char **data, size_t *len) {
  bool is_typed;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, len, (void **)data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Buffer or Uint8Array");
    return 0;
  }
  return 1;
}

/*
 * send(fd, bytes, fds | null): bytes sent, or -1 when the socket buffer is full. The fds,
 * if any, travel with the first byte sent; the kernel checks them before sending anything,
 * so an EBADF means nothing was sent.
 */
static napi_value js_send(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int fd;
  char *data;
  size_t len;
  if (!get_args(env, info, 3, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  if (!get_bytes(env, argv[1], &data, &len)) return NULL;

  int fds[MAX_FDS];
  uint32_t nfds = 0;
  bool is_array = false;
  napi_is_array(env, argv[2], &is_array);
  if (is_array) {
    NAPI_OK(napi_get_array_length(env, argv[2], &nfds));
    if (nfds > MAX_FDS) {
      napi_throw_range_error(env, NULL, "at most 253 file descriptors per message");
      return NULL;
    }
    for (uint32_t i = 0; i < nfds; i++) {
      napi_value el;
      NAPI_OK(napi_get_element(env, argv[2], i, &el));
      if (!get_fd(env, el, &fds[i])) return NULL;
    }
  }

  struct iovec iov = {.iov_base = data, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  control_t control;
  if (nfds > 0) {
    memset(&control, 0, sizeof control);
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return make_int(env, -1);
    return throw_errno(env, errno, "sendmsg", NULL);
  }
  return make_int(env, n);
}

static void close_fds(const int *fds, int n) {
  for (int i = 0; i < n; i++) close(fds[i]);
}

/* One recvmsg; received fds go to fds/nfds (dups, when peeking). Returns bytes, or -errno. */
static ssize_t recv_once(int fd, char *data, size_t len, int flags, int *fds, int *nfds, int *truncated) {
  struct iovec iov = {.iov_base = data, .iov_len = len};
  control_t control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  ssize_t n;
  *nfds = 0;
  *truncated = 0;
  do n = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    int got[MAX_FDS];
    memcpy(got, CMSG_DATA(c), sizeof(int) * (size_t)count);
    for (int i = 0; i < count; i++) {
      if (*nfds < MAX_FDS) fds[(*nfds)++] = got[i];
      else close(got[i]);
    }
  }
  if (msg.msg_flags & MSG_CTRUNC) *truncated = 1;
  return n;
}

/*
 * recv(fd, buffer, exact, out): bytes read into buffer (0 at end of stream), or -1 when
 * nothing is pending. When fds arrived, out receives [at, fd, fd...]: they came with
 * buffer[at].
 *
 * Linux glues bytes sent without fds to a following segment that carries fds into one
 * recvmsg (it stops only after the fd-carrying segment), so a plain read cannot tell which
 * byte the fds came with (at is then 0). With exact=true it peeks first; MSG_PEEK reports
 * the first pending fds however few bytes it asks for, so while fds are pending it reads one
 * byte per recvmsg (as QEMU always does) until they arrive: at is then exactly the byte they
 * were sent with. The rest of their segment, and data with no fds pending, is read in bulk.
 */
static napi_value js_recv(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int fd;
  char *data;
  size_t len;
  bool exact;
  if (!get_args(env, info, 4, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  if (!get_bytes(env, argv[1], &data, &len)) return NULL;
  if (napi_get_value_bool(env, argv[2], &exact) != napi_ok) exact = false;
  if (len == 0) {
    napi_throw_range_error(env, NULL, "empty read buffer");
    return NULL;
  }

  int fds[MAX_FDS];
  int nfds = 0, truncated = 0;
  size_t at = 0;
  ssize_t n;
  if (!exact) {
    n = recv_once(fd, data, len, 0, fds, &nfds, &truncated);
  } else {
    n = recv_once(fd, data, len, MSG_PEEK, fds, &nfds, &truncated);
    if (n > 0 && nfds == 0) {
      n = recv_once(fd, data, (size_t)n, 0, fds, &nfds, &truncated);
    } else if (n > 0) {
      close_fds(fds, nfds); /* the peek's duplicates */
      nfds = 0;
      /* A peek stops right after the fd-carrying segment: when it did not fill the buffer,
       * n is where that segment ends, and its bytes after the first carry no fds. */
      size_t segment_end = (size_t)n < len ? (size_t)n : 0;
      size_t got = 0;
      while (got < (size_t)n) {
        ssize_t m = recv_once(fd, data + got, 1, 0, fds, &nfds, &truncated);
        if (m <= 0) break;
        got += 1;
        if (nfds > 0 || truncated) {
          at = got - 1;
          break;
        }
      }
      if (nfds > 0 && !truncated && segment_end > got) {
        int more[MAX_FDS], nmore = 0, more_truncated = 0;
        ssize_t m = recv_once(fd, data + got, segment_end - got, 0, more, &nmore, &more_truncated);
        if (m > 0) got += (size_t)m;
        if (nmore > 0 || more_truncated) { /* cannot happen within one segment; never mislabel */
          close_fds(more, nmore);
          close_fds(fds, nfds);
          napi_throw_error(env, "ERR_FD_OFFSET", "recvmsg: fds arrived where none were expected");
          return NULL;
        }
      }
      n = (ssize_t)got;
    }
  }
  if (n < 0) {
    if (n == -EAGAIN || n == -EWOULDBLOCK) return make_int(env, -1);
    return throw_errno(env, (int)-n, "recvmsg", NULL);
  }
  if (truncated) {
    close_fds(fds, nfds);
    napi_throw_error(env, "ERR_FD_TRUNCATED",
                     "recvmsg: received file descriptors were truncated (MSG_CTRUNC; out of fds?)");
    return NULL;
  }
  if (nfds > 0) {
    napi_value v;
    NAPI_OK(napi_create_int64(env, (int64_t)at, &v));
    NAPI_OK(napi_set_element(env, argv[3], 0, v));
    for (int i = 0; i < nfds; i++) {
      NAPI_OK(napi_create_int32(env, fds[i], &v));
      NAPI_OK(napi_set_element(env, argv[3], (uint32_t)i + 1, v));
    }
  }
  return make_int(env, n);
}

/* shutdown(fd): end the write side (SHUT_WR). */
static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN) return throw_errno(env, errno, "shutdown", NULL);
  return NULL;
}

/* close(fd). */
static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int fd;
  if (!get_args(env, info, 1, argv, NULL) || !get_fd(env, argv[0], &fd)) return NULL;
  close(fd);
  return NULL;
}

/* ---- Poller: a uv_poll_t on one fd, calling back (status, events) on the main thread. ---- */

typedef struct {
  napi_env env;
  uv_poll_t handle;
  napi_ref self; /* strong while the handle is open, so GC cannot take it */
  napi_ref callback;
  napi_async_context context;
  napi_async_cleanup_hook_handle cleanup;
  bool closing, closed, finalized;
} poller_t;

static void poller_free_if_done(poller_t *p) {
  if (p->closed && p->finalized) free(p);
}

static void poller_on_close(uv_handle_t *handle) {
  poller_t *p = handle->data;
  napi_async_destroy(p->env, p->context);
  napi_delete_reference(p->env, p->callback);
  napi_delete_reference(p->env, p->self);
  napi_remove_async_cleanup_hook(p->cleanup);
  p->closed = true;
  poller_free_if_done(p);
}

static void poller_begin_close(poller_t *p) {
  if (p->closing) return;
  p->closing = true;
  uv_poll_stop(&p->handle);
  uv_close((uv_handle_t *)&p->handle, poller_on_close);
}

/* Worker or process teardown with the poller still open: close it so the loop can close. */
static void poller_cleanup_hook(napi_async_cleanup_hook_handle handle, void *arg) {
  poller_begin_close(arg);
}

static void poller_finalize(napi_env env, void *data, void *hint) {
  poller_t *p = data;
  p->finalized = true;
  poller_free_if_done(p);
}

static void poller_on_event(uv_poll_t *handle, int status, int events) {
  poller_t *p = handle->data;
  if (p->closing) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value self, callback, argv[2], result;
  if (napi_get_reference_value(env, p->self, &self) == napi_ok &&
      napi_get_reference_value(env, p->callback, &callback) == napi_ok) {
    napi_create_int32(env, status, &argv[0]);
    napi_create_int32(env, events, &argv[1]);
    if (napi_make_callback(env, p->context, self, callback, 2, argv, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

static poller_t *unwrap_poller(napi_env env, napi_callback_info info, napi_value *argv, size_t argc) {
  napi_value self;
  poller_t *p = NULL;
  size_t n = argc;
  if (napi_get_cb_info(env, info, &n, argv, &self, NULL) != napi_ok ||
      napi_unwrap(env, self, (void **)&p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "not a Poller");
    return NULL;
  }
  if (n < argc) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return NULL;
  }
  return p;
}

/* new Poller(fd, callback(status, events)) */
static napi_value poller_new(napi_env env, napi_callback_info info) {
  napi_value argv[2], self, name;
  int fd;
  napi_valuetype type;
  if (!get_args(env, info, 2, argv, &self) || !get_fd(env, argv[0], &fd)) return NULL;
  NAPI_OK(napi_typeof(env, argv[1], &type));
  if (type != napi_function) {
    napi_throw_type_error(env, NULL, "expected a callback");
    return NULL;
  }
  uv_loop_t *loop;
  NAPI_OK(napi_get_uv_event_loop(env, &loop));
  poller_t *p = calloc(1, sizeof *p);
  if (p == NULL) return throw_errno(env, ENOMEM, "calloc", NULL);
  int err = uv_poll_init(loop, &p->handle, fd);
  if (err < 0) {
    free(p);
    return throw_errno(env, -err, "uv_poll_init", NULL);
  }
  p->env = env;
  p->handle.data = p;
  NAPI_OK(napi_wrap(env, self, p, poller_finalize, NULL, NULL));
  NAPI_OK(napi_create_reference(env, self, 1, &p->self));
  NAPI_OK(napi_create_reference(env, argv[1], 1, &p->callback));
  NAPI_OK(napi_create_string_utf8(env, "qmpkit:FdPoller", NAPI_AUTO_LENGTH, &name));
  NAPI_OK(napi_async_init(env, self, name, &p->context));
  NAPI_OK(napi_add_async_cleanup_hook(env, poller_cleanup_hook, p, &p->cleanup));
  return self;
}

/* poller.start(events): watch for UV_READABLE (1) | UV_WRITABLE (2) | UV_DISCONNECT (4). */
static napi_value poller_start(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t events;
  poller_t *p = unwrap_poller(env, info, argv, 1);
  if (p == NULL) return NULL;
  if (p->closing) return NULL;
  NAPI_OK(napi_get_value_int32(env, argv[0], &events));
  int err = events == 0 ? uv_poll_stop(&p->handle) : uv_poll_start(&p->handle, events, poller_on_event);
  if (err < 0) return throw_errno(env, -err, "uv_poll_start", NULL);
  return NULL;
}

/* poller.close(): stop watching and release the handle (the fd itself stays open). */
static napi_value poller_close(napi_env env, napi_callback_info info) {
  poller_t *p = unwrap_poller(env, info, NULL, 0);
  if (p == NULL) return NULL;
  poller_begin_close(p);
  return NULL;
}

/* poller.ref(bool): whether this handle keeps the event loop alive. */
static napi_value poller_ref(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  bool ref;
  poller_t *p = unwrap_poller(env, info, argv, 1);
  if (p == NULL) return NULL;
  if (p->closing) return NULL;
  NAPI_OK(napi_get_value_bool(env, argv[0], &ref));
  if (ref) uv_ref((uv_handle_t *)&p->handle);
  else uv_unref((uv_handle_t *)&p->handle);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"connect", NULL, js_connect, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listen", NULL, js_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"accept", NULL, js_accept, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recv", NULL, js_recv, NULL, NULL, NULL, napi_enumerable, NULL},
      {"shutdown", NULL, js_shutdown, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  NAPI_OK(napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  napi_property_descriptor methods[] = {
      {"start", NULL, poller_start, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, poller_close, NULL, NULL, NULL, napi_default, NULL},
      {"ref", NULL, poller_ref, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value poller;
  NAPI_OK(napi_define_class(env, "Poller", NAPI_AUTO_LENGTH, poller_new, NULL,
                            sizeof methods / sizeof methods[0], methods, &poller));
  NAPI_OK(napi_set_named_property(env, exports, "Poller", poller));
  return exports;
}
