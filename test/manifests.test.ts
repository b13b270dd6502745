// The Slack manifest asks for exactly what the adapter uses: every Web API method the code
// calls needs its scope, every scope must be needed, and the events and command match.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "./support/process.js";

const SCOPE_OF_METHOD: Record<string, string | string[] | null> = {
  "chat.postMessage": "chat:write",
  // In a DM (im:history), a public channel (channels:history) or a private one (groups:history).
  "conversations.history": ["im:history", "channels:history", "groups:history"],
  "chat.postEphemeral": "chat:write",
  "chat.update": "chat:write",
  "conversations.open": "im:write",
  // files.getUploadURLExternal + files.completeUploadExternal (the SDK's uploadV2), docs.slack.dev: files:write.
  "files.uploadV2": "files:write",
  "users.info": "users:read",
  // Public channels need channels:read, private ones groups:read (docs.slack.dev conversations.info).
  "conversations.info": ["channels:read", "groups:read"],
  "views.open": null,
  // docs.slack.dev: views.publish and chat.getPermalink need no scope (views.publish is Tier 4).
  "views.publish": null,
  "chat.getPermalink": null,
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
  features: {
    slash_commands: Array<{ command: string; url?: string }>;
    app_home: { home_tab_enabled: boolean };
    shortcuts?: Array<{ name: string; type: "message" | "global"; callback_id: string; description: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions?: { bot_events: string[]; request_url?: string }; interactivity: { is_enabled: boolean; request_url?: string; message_menu_options_url?: string }; socket_mode_enabled: boolean };
}

describe.each(["slack.yaml", "slack-socket-mode.yaml"])("manifests/%s", (file) => {
  const manifest = parse(readFileSync(path.join(projectRoot, "manifests", file), "utf8")) as Manifest;
  const source = adapterSource();

  it("asks for exactly the bot scopes the adapter's Web API calls need", () => {
    const used = Object.keys(SCOPE_OF_METHOD).filter((method) => source.includes(`${method}(`));
    const unknown = [...source.matchAll(/client\.([a-z]+\.[a-zA-Z.]+)\(/g)].map((m) => m[1]!).filter((m) => !(m in SCOPE_OF_METHOD));
    expect(unknown).toEqual([]);
    const needed = new Set(used.flatMap((m) => SCOPE_OF_METHOD[m] ?? []));
    needed.add("commands");
    if (source.includes('app.event("message"')) needed.add("im:history");
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });

  it("declares the /crm command, interactivity and the message.im event the adapter handles", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(["/crm"]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const events = [...source.matchAll(/app\.event\("([a-z_.]+)"/g)].map((m) => (m[1] === "message" ? "message.im" : m[1]!));
    expect(manifest.settings.event_subscriptions?.bot_events.sort()).toEqual(events.sort());
    expect(events).toContain("app_home_opened");
    const socket = file.includes("socket");
    expect(manifest.settings.socket_mode_enabled).toBe(socket);
    if (!socket) expect(manifest.features.slash_commands[0]!.url).toMatch(/\/slack\/events$/);
  });

  it("sends the customer pickers' option requests (block_suggestion) where the adapter answers them", () => {
    expect(source).toContain('app.options({ type: "block_suggestion" }');
    // Over HTTP Slack needs the Options Load URL; in Socket Mode they come through the socket.
    if (file.includes("socket")) expect(manifest.settings.interactivity.message_menu_options_url).toBeUndefined();
    else expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
  });
});

describe.each(["slack.yaml", "slack-socket-mode.yaml"])("manifests/%s: App Home and shortcuts", (file) => {
  const manifest = parse(readFileSync(path.join(projectRoot, "manifests", file), "utf8")) as Manifest;

  it("enables the Home tab the adapter publishes", () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it("declares exactly the shortcuts the adapter answers, message and global, named in both languages", async () => {
    const { SLACK_SHORTCUTS } = await import("../src/adapters/slack/shortcuts.js");
    const declared = manifest.features.shortcuts ?? [];
    expect(declared.map((s) => s.callback_id).sort()).toEqual(Object.keys(SLACK_SHORTCUTS).sort());
    const types = Object.fromEntries(declared.map((s) => [s.callback_id, s.type]));
    expect(types).toEqual({ accord_visit_note: "message", accord_complaint: "message", accord_hospitality: "global", accord_find_customer: "global" });
    expect(declared.find((s) => s.callback_id === "accord_visit_note")!.name).toContain("记为拜访纪要");
    expect(declared.find((s) => s.callback_id === "accord_complaint")!.name).toContain("登记投诉");
    // Kept short enough for Slack's shortcut menu (limits assumed, not checked against the manifest schema here).
    for (const s of declared) {
      expect(s.name.length).toBeLessThanOrEqual(50);
      expect(s.description.length).toBeLessThanOrEqual(150);
    }
  });
});

describe("manifests/feishu.yaml", () => {
  interface FeishuManifest {
    permissions: Array<{ scope: string; used_for: string | string[]; optional?: boolean }>;
    events: { subscribe: string[]; request_url: string };
    callbacks: { subscribe: string[]; request_url: string };
    bot_menu: Array<{ event_key: string }>;
  }
  const manifest = parse(readFileSync(path.join(projectRoot, "manifests", "feishu.yaml"), "utf8")) as FeishuManifest;
  const dir = path.join(projectRoot, "src", "adapters", "feishu");
  const source = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .join("\n");

  it("subscribes to exactly the events and callbacks the adapter handles", () => {
    const handled = ["im.message.receive_v1", "application.bot.menu_v6", "card.action.trigger"].filter((e) => source.includes(`"${e}"`));
    expect([...manifest.events.subscribe, ...manifest.callbacks.subscribe].sort()).toEqual(handled.sort());
    expect(manifest.events.request_url).toMatch(/\/feishu\/events$/);
    expect(manifest.callbacks.request_url).toMatch(/\/feishu\/card$/);
  });

  it("asks for a permission for every API the adapter calls, and none it does not", () => {
    const apis = ["im.message.create", "im.message.reply", "im.message.patch", "ephemeral.send", "chat.is_in_chat", "chat.get", "contact.user.get", "im.file.create"].filter((a) =>
      source.includes(`"${a}"`),
    );
    const covered = manifest.permissions.flatMap((p) => (Array.isArray(p.used_for) ? p.used_for : [p.used_for]));
    for (const api of apis) expect(covered).toContain(api);
    for (const p of manifest.permissions) {
      const uses = Array.isArray(p.used_for) ? p.used_for : [p.used_for];
      expect(uses.some((u) => apis.includes(u) || u.startsWith("im.message.receive_v1"))).toBe(true);
    }
  });

  it("offers bot menu keys the adapter maps to commands, forms and the my-day card", async () => {
    const { MENU_COMMANDS, MENU_SHORTCUTS } = await import("../src/adapters/feishu/inbound.js");
    expect(manifest.bot_menu.map((m) => m.event_key).sort()).toEqual([...Object.keys(MENU_COMMANDS), ...Object.keys(MENU_SHORTCUTS)].sort());
    expect(Object.keys(MENU_SHORTCUTS)).toContain("my_day");
  });
});
