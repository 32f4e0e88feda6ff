# The fuzz harnesses: one per parser in common/. Each name N has
#   tests/fuzz/fuzz_N.c         LLVMFuzzerTestOneInput(), linked with pktan_common
#   tests/fuzz/seeds/N/         seed corpus (committed)
#   tests/fuzz/regressions/N/   every input that ever crashed it (committed)
#   tests/fuzz/N.dict           optional libFuzzer dictionary
# Adding a harness is one word here (and those files):
#   allowlist: fuzz_allowlist.c feeds the bytes (not NUL-terminated) to
#   pktan_allowlist_parse(data, size, "fuzz", resolver, NULL, &error) with a
#   resolver that accepts a fixed set of protocol names, checks "NULL and
#   one error line" or "a list and no error", and frees both; seeds from
#   the allowlist examples; then add "allowlist" below. (Checked on main's
#   common/allowlist.c: it compiles in the clang fuzz build with -Werror.)
set(PKTAN_FUZZERS
  report_args
)
