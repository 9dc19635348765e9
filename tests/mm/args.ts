// tests/mm/args.ts — how the mm tests compile tests/mm/entry.ts.
// Their own asconfig keeps the repository's (whose default target is release, with noAssert)
// out of the build: DEBUG_VM checks are assert()s and must stay in.
export const MM_TEST_ARGS = [
  "--config", "tests/mm/asconfig.json", "--target", "test", "--use", "UMW_DEBUG_VM=1",
];
