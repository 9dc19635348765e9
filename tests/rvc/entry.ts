// tests/rvc/entry.ts — test entry that exposes the RVC expander on its own (see rvc.test.ts).
export { rvc_expand } from "../../assembly/arch/um/rvc";
