import { pino, type Logger } from "pino";

export type { Logger };

// Secrets and personal data that must never reach a log line, wherever they appear.
const REDACT_PATHS = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "appToken",
  "*.appToken",
  "signingSecret",
  "*.signingSecret",
  "appSecret",
  "*.appSecret",
  "encryptKey",
  "*.encryptKey",
  "verificationToken",
  "*.verificationToken",
  "password",
  "*.password",
  "phone",
  "*.phone",
  "headers.authorization",
  "*.headers.authorization",
  "databaseUrl",
  "*.databaseUrl",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "accord" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? process.stdout,
  );
}
