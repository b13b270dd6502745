// Preloaded into the Prisma CLI (node -r). Its Wasm schema engine arms a 10 s guard timer that
// is never cleared, so every `migrate deploy` sat idle for 10 s after finishing. Long timers are
// guards, not work: unref them so the CLI exits as soon as its sockets are done.
"use strict";
const originalSetTimeout = global.setTimeout;
global.setTimeout = function setTimeoutUnrefLong(fn, ms, ...args) {
  const timer = originalSetTimeout(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
