// tests/e2e/boot.test.ts — `umwasm boot` end to end: the default image boots to a shell, runs
// pipelines of our tools and powers off when the shell exits; in a real terminal (tmux) the
// window size reaches `stty size`, a resize changes it, and Ctrl-C interrupts a foreground
// `sleep`.
import { spawnSync, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath } from "../differential/qemu";

const CLI = "build/umwasm.mjs";

function boot(script: string, args: string[] = ["quiet"]) {
  return spawnSync("node", [CLI, "boot", ...args], { input: script, encoding: "utf8", timeout: 60_000 });
}

describe("umwasm boot with piped input", () => {
  it("prints a boot log, runs commands and powers off when the shell exits", () => {
    const r = boot("echo hello world\nexit\n", []);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Linux version 6\.18\.0-umwasm/m);
    expect(r.stdout).toContain("Run /init as init process");
    expect(r.stdout).toMatch(/^hello world\r?$/m);
  });

  it("runs pipelines, redirections, variables and job-control builtins", () => {
    const r = boot([
      "echo one two three | wc -w",
      "echo abc > /tmp/f; cat /tmp/f",
      "x=5; echo $((x * 7))",
      "false || echo fallback $?",
      "ls /bin | grep -c .",
      "sleep 0.05 & wait; echo waited",
      "uname -sr",
      "exit 3",
    ].join("\n") + "\n");
    // Piped input is echoed by the guest tty as it arrives, so answers may follow a prompt.
    const out = r.stdout.replace(/\r/g, "").replace(/^# /gm, "");
    expect(out).toMatch(/^3$/m);
    expect(out).toMatch(/^abc$/m);
    expect(out).toMatch(/^35$/m);
    expect(out).toMatch(/^fallback 1$/m);
    expect(out).toMatch(/^waited$/m);
    expect(out).toMatch(/^Linux 6\.18\.0-umwasm$/m);
    expect(r.status).toBe(0); // init powers the machine off whatever the shell's status
  });

  it("mount -t hostfs shows a host directory in the guest, both ways", () => {
    const scratch = join(process.cwd(), ".scratch");
    mkdirSync(scratch, { recursive: true });
    const host = mkdtempSync(join(scratch, "boot-hostfs-"));
    try {
      writeFileSync(join(host, "greeting"), "from the host\n");
      const r = boot([
        `mount -t hostfs none /mnt -o ${host}`,
        "ls /mnt",
        "cat /mnt/greeting",
        "echo from the guest > /mnt/reply",
        "mount | grep -c hostfs",
        "umount /mnt",
        "mount -t hostfs none /mnt -o /no/such/dir; echo status $?",
        "exit",
      ].join("\n") + "\n");
      const out = r.stdout.replace(/\r/g, "").replace(/^(# )+/gm, "");
      expect(out).toMatch(/^greeting$/m);
      expect(out).toMatch(/^from the host$/m);
      expect(out).toMatch(/^1$/m);
      expect(out).toMatch(/^mount: \/mnt: No such file or directory$/m);
      expect(out).toMatch(/^status 32$/m);
      expect(readFileSync(join(host, "reply"), "utf8")).toBe("from the guest\n");
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it("keeps the boot log for dmesg, with timestamps, even when quiet hid it", () => {
    const r = boot("dmesg\nexit\n");
    const out = r.stdout.replace(/\r/g, "");
    expect(out).not.toMatch(/^Linux version/m); // quiet: the console showed nothing
    expect(out).toMatch(/^\[ *\d+\.\d{6}\] Linux version 6\.18\.0-umwasm/m);
    expect(out).toMatch(/^\[ *\d+\.\d{6}\] Command line: quiet$/m);
    expect(out).toMatch(/^\[ *\d+\.\d{6}\] Run \/init as init process$/m);
    expect(r.status).toBe(0);
  });

  it("documents its kernel arguments", () => {
    const r = spawnSync("node", [CLI, "boot", "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    for (const w of ["mem=", "init=", "rdinit=", "root=", "loglevel=", "quiet"]) expect(r.stdout).toContain(w);
  });

  it("rejects a bad mem= with a usage error", () => {
    const r = boot("", ["mem=1K"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("mem=1K");
  });
});

const tmux = findOnPath("tmux");
if (!tmux) console.log("tests/e2e/boot: tmux not installed (apt-get install tmux): the terminal test is skipped");

(tmux ? describe : describe.skip)("umwasm boot in a real terminal (tmux)", () => {
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const sh = (...a: string[]) => execFileSync("tmux", a, { encoding: "utf8" });
  const screen = () => sh("capture-pane", "-t", "umwtest", "-p");
  /** Wait until the screen shows text (the guest runs asynchronously). */
  const waitFor = (re: RegExp, ms = 10_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (re.test(screen())) return;
      sleep(100);
    }
    throw new Error(`screen never matched ${re}:\n${screen()}`);
  };

  it("sees the window size, follows a resize, interrupts with Ctrl-C, stops with Ctrl-Z", () => {
    spawnSync("tmux", ["kill-session", "-t", "umwtest"]);
    sh("new-session", "-d", "-s", "umwtest", "-x", "100", "-y", "30", `node ${CLI} boot quiet; echo EXIT=$?; sleep 60`);
    try {
      waitFor(/^#\s*$/m);
      sh("send-keys", "-t", "umwtest", "stty size", "Enter");
      waitFor(/^30 100$/m);
      // A SIGWINCH handler (a shell trap) fires when the terminal is resized.
      sh("send-keys", "-t", "umwtest", "trap 'echo SIGWINCH: $(stty size)' WINCH", "Enter");
      sleep(300);
      sh("resize-window", "-t", "umwtest", "-x", "120", "-y", "40");
      waitFor(/SIGWINCH: 40 120$/m); // after the prompt the handler interrupted
      sh("send-keys", "-t", "umwtest", "trap - WINCH; stty size", "Enter");
      waitFor(/^40 120$/m);
      sh("send-keys", "-t", "umwtest", "sleep 100", "Enter");
      sleep(500);
      sh("send-keys", "-t", "umwtest", "C-c");
      sh("send-keys", "-t", "umwtest", "echo status=$?", "Enter");
      waitFor(/^status=130$/m);
      // Job control: Ctrl-Z stops the foreground job, bg resumes it, fg brings it back.
      sh("send-keys", "-t", "umwtest", "sleep 50", "Enter");
      sleep(500);
      sh("send-keys", "-t", "umwtest", "C-z");
      waitFor(/^\[1\]\+\s+Stopped\s+sleep 50$/m);
      sh("send-keys", "-t", "umwtest", "bg", "Enter");
      sh("send-keys", "-t", "umwtest", "jobs", "Enter");
      waitFor(/^\[1\]\+\s+Running\s+sleep 50 &$/m);
      sh("send-keys", "-t", "umwtest", "fg", "Enter");
      sleep(500);
      sh("send-keys", "-t", "umwtest", "C-c");
      sh("send-keys", "-t", "umwtest", "echo fg=$?", "Enter");
      waitFor(/^fg=130$/m);
      sh("send-keys", "-t", "umwtest", "exit", "Enter");
      waitFor(/^EXIT=0$/m);
    } finally {
      spawnSync("tmux", ["kill-session", "-t", "umwtest"]);
    }
  });
});
