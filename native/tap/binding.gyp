{
  "targets": [
    {
      "target_name": "fptap",
      "sources": ["src/tap.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
