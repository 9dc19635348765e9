// mm/debug_vm.ts — compile-time debug switches (kept out of the entry file: see STYLE.md §3).
// DEBUG_VM is on in the debug target (`--use UMW_DEBUG_VM=1`) and folds away in release.
export const DEBUG_VM: bool = isDefined(UMW_DEBUG_VM);
