// The wasm core's only exports.
export function core_version(): i32 { return 1; }
