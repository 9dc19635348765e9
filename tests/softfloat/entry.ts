// tests/softfloat/entry.ts — test entry that exposes the soft-float unit on its own (see softfloat.test.ts).
import { fflags_acc } from "../../assembly/arch/um/softfloat";
export * from "../../assembly/arch/um/softfloat";

export function get_fflags(): u32 {
  return fflags_acc;
}

export function clear_fflags(): void {
  fflags_acc = 0;
}
