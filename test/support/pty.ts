// Drives a program through a real pseudo-terminal, as a person at a keyboard would, using
// util-linux `script` (no native pty module to build). Output is collected with ANSI control
// sequences removed.
import { spawn, type ChildProcess } from "node:child_process";

export interface PtySession {
  child: ChildProcess;
  output(): string;
  /** Everything printed since the last mark (or the start). */
  sinceMark(): string;
  mark(): void;
  type(line: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(timeoutMs?: number): Promise<number | null>;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-B]|\r/g;

export function spawnInPty(command: string, env: NodeJS.ProcessEnv, cwd: string): PtySession {
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let markAt = 0;
  const waiters: Array<() => void> = [];
  const onData = (d: string) => {
    out += d.replace(ANSI, "");
    waiters.splice(0).forEach((w) => w());
  };
  // Decoded per stream, so a character split across two chunks is not garbled.
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    sinceMark: () => out.slice(markAt),
    mark() {
      markAt = out.length;
    },
    type(line) {
      child.stdin!.write(`${line}\n`);
    },
    waitFor(pattern, timeoutMs = 30_000) {
      const from = markAt;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output since mark:\n${out.slice(from)}`)), timeoutMs);
        const check = () => {
          const m = pattern.exec(out.slice(from));
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          } else waiters.push(check);
        };
        check();
      });
    },
    exited(timeoutMs = 20_000) {
      return Promise.race([exit, new Promise<null>((_, reject) => setTimeout(() => reject(new Error("pty program still running")), timeoutMs))]);
    },
  };
}
