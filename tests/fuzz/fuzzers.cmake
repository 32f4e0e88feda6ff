# The fuzz harnesses: one per parser in common/. Each name N has
#   tests/fuzz/fuzz_N.c         LLVMFuzzerTestOneInput(), linked with pktan_common
#   tests/fuzz/seeds/N/         seed corpus (committed)
#   tests/fuzz/regressions/N/   every input that ever crashed it (committed)
#   tests/fuzz/N.dict           optional libFuzzer dictionary
# Adding a harness is one word below (and those files).
set(PKTAN_FUZZERS
  report_args
  allowlist
)
