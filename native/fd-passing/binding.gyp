{
  "targets": [
    {
      "target_name": "qmpkit_fd_passing",
      "sources": ["src/fd_passing.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
