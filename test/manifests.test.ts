// The Slack manifest asks for exactly what the adapter uses: every Web API method the code
// calls needs its scope, every scope must be needed, and the events and command match.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "./support/process.js";

const SCOPE_OF_METHOD: Record<string, string | null> = {
  "chat.postMessage": "chat:write",
  "chat.postEphemeral": "chat:write",
  "chat.update": "chat:write",
  "conversations.open": "im:write",
  "users.info": "users:read",
  "views.open": null,
  "views.update": null,
  "auth.test": null,
  "apps.connections.open": null,
};

function adapterSource(): string {
  const dir = path.join(projectRoot, "src", "adapters", "slack");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
}

interface Manifest {
  features: { slash_commands: Array<{ command: string; url?: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions?: { bot_events: string[]; request_url?: string }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe.each(["slack.yaml", "slack-socket-mode.yaml"])("manifests/%s", (file) => {
  const manifest = parse(readFileSync(path.join(projectRoot, "manifests", file), "utf8")) as Manifest;
  const source = adapterSource();

  it("asks for exactly the bot scopes the adapter's Web API calls need", () => {
    const used = Object.keys(SCOPE_OF_METHOD).filter((method) => source.includes(`${method}(`));
    const unknown = [...source.matchAll(/client\.([a-z]+\.[a-zA-Z.]+)\(/g)].map((m) => m[1]!).filter((m) => !(m in SCOPE_OF_METHOD));
    expect(unknown).toEqual([]);
    const needed = new Set(used.map((m) => SCOPE_OF_METHOD[m]).filter((s): s is string => !!s));
    needed.add("commands");
    if (source.includes('app.event("message"')) needed.add("im:history");
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });

  it("declares the /crm command, interactivity and the message.im event the adapter handles", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(["/crm"]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(["message.im"]);
    const socket = file.includes("socket");
    expect(manifest.settings.socket_mode_enabled).toBe(socket);
    if (!socket) expect(manifest.features.slash_commands[0]!.url).toMatch(/\/slack\/events$/);
  });
});
