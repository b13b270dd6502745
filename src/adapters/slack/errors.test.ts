import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { placeholdersOf } from "../../conversation/i18n/index.js";
import { deliveryKey } from "./dedupe.js";
import { classifySlackError } from "./errors.js";
import { failureText, localeOf, slackCatalog, slackText } from "./messages.js";
import { InvalidInputError } from "../../core/shared/errors.js";

describe("classifySlackError", () => {
  it("turns a 429 into a transient failure carrying Retry-After in milliseconds", () => {
    expect(classifySlackError("chat.postMessage", new webApi.WebAPIRateLimitedError(30))).toEqual({
      method: "chat.postMessage",
      code: "ratelimited",
      permanent: false,
      retryAfterMs: 30_000,
      description: "chat.postMessage: ratelimited (retry after 30 s)",
    });
  });

  it("treats ok:false answers as permanent unless Slack says it is temporary", () => {
    const platform = (error: string) => new webApi.WebAPIPlatformError({ ok: false, error });
    expect(classifySlackError("chat.postMessage", platform("channel_not_found"))).toMatchObject({ permanent: true, code: "channel_not_found", description: "chat.postMessage: channel_not_found" });
    expect(classifySlackError("conversations.open", platform("user_not_found")).permanent).toBe(true);
    expect(classifySlackError("chat.postMessage", platform("internal_error")).permanent).toBe(false);
    expect(classifySlackError("chat.postMessage", platform("service_unavailable")).permanent).toBe(false);
  });

  it("treats HTTP errors and network failures as transient", () => {
    expect(classifySlackError("chat.update", new webApi.WebAPIHTTPError(503, "Service Unavailable", {}, ""))).toMatchObject({ permanent: false, code: "http_503" });
    expect(classifySlackError("chat.update", new webApi.WebAPIRequestError(new Error("ECONNRESET")))).toMatchObject({ permanent: false, code: "request_failed" });
    expect(classifySlackError("views.open", new Error("socket hang up"))).toMatchObject({ permanent: false, code: "socket hang up" });
  });
});

describe("deliveryKey", () => {
  it("keys Events API callbacks by event id and interactions by trigger_id", () => {
    expect(deliveryKey({ type: "event_callback", team_id: "T1", event_id: "Ev1", trigger_id: "ignored" })).toBe("event:T1:Ev1");
    expect(deliveryKey({ type: "block_actions", team: { id: "T1" }, trigger_id: "123.456" })).toBe("retry:T1:123.456");
    expect(deliveryKey({ command: "/crm", team_id: "T2", trigger_id: "9.9" })).toBe("retry:T2:9.9");
  });

  it("falls back to a hash of the body, equal for equal bodies only", () => {
    const a = deliveryKey({ type: "view_closed", team: { id: "T1" }, view: { id: "V1" } });
    expect(a).toMatch(/^retry:T1:[0-9a-f]{64}$/);
    expect(deliveryKey({ type: "view_closed", team: { id: "T1" }, view: { id: "V1" } })).toBe(a);
    expect(deliveryKey({ type: "view_closed", team: { id: "T1" }, view: { id: "V2" } })).not.toBe(a);
  });
});

describe("slack transport messages", () => {
  it("has every message in both languages with the same placeholders", () => {
    expect(Object.keys(slackCatalog["zh-CN"]).sort()).toEqual(Object.keys(slackCatalog.en).sort());
    for (const key of Object.keys(slackCatalog.en)) {
      expect(placeholdersOf(slackCatalog["zh-CN"][key]!), key).toEqual(placeholdersOf(slackCatalog.en[key]!));
    }
  });

  it("speaks the user's Slack locale, else the configured default", () => {
    expect(localeOf("en-US", "zh-CN")).toBe("en");
    expect(localeOf("zh-CN", "en")).toBe("zh-CN");
    expect(localeOf("fr-FR", "zh-CN")).toBe("zh-CN");
    expect(localeOf(undefined, "en")).toBe("en");
    expect(slackText("zh-CN", "slack.update_failed", { count: 2 })).toBe("操作已完成，但有 2 处已发布的卡片未能更新。");
  });

  it("shows a domain error's catalog message and hides anything else behind an apology", () => {
    expect(failureText("en", new InvalidInputError("hospitality.reason_required"))).toBe("Please give a reason for the rejection.");
    expect(failureText("en", new Error("connection refused"))).toBe("Sorry, something went wrong on our side. Please try again in a moment.");
  });
});
