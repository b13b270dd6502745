// The Slack adapter: transport only. Bolt receives slash commands, button clicks, modal
// submissions and DM events (HTTP on our own server's POST /slack/events, or Socket Mode when an
// app token is configured), the conversation port decides everything, and this file renders the
// replies with render/slack.ts and sends them where Slack expects them within Slack's deadlines:
// every request is acknowledged within 3 s, a trigger_id is used before it expires, and every
// posted copy of a card is refreshed after a decision. Outbound notifications (the outbox) go
// through `sender`.
import type http from "node:http";
import type { OutboxMessage } from "@prisma/client";
import {
  App,
  HTTPModuleFunctions,
  HTTPReceiver,
  isValidSlackRequest,
  type BufferedIncomingMessage,
  webApi,
  type AllMiddlewareArgs,
  type BlockAction,
  type ButtonAction,
  type RespondArguments,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
  type SlackEventMiddlewareArgs,
  type SlackViewMiddlewareArgs,
  type ViewSubmitAction,
  type types,
} from "@slack/bolt";
import type { SlackConfig } from "../../config/config.js";
import type { Locale } from "../../conversation/i18n/index.js";
import type { ActionReply, Conversation, OutboundFile, PlatformChannels, Reply } from "../../conversation/port.js";
import {
  baseActionId,
  escapeSlack,
  readSlackFormValues,
  renderSlackMessage,
  renderSlackModal,
  slackFormErrors,
  type SlackBlock,
  type SlackMessage,
} from "../../conversation/render/slack.js";
import { FORM_ERROR_KEY } from "../../conversation/views/form.js";
import { maskViewForChannel, sharedChannelIds } from "../../conversation/views/mask.js";
import type { Clock } from "../../core/shared/clock.js";
import { isDomainError } from "../../core/shared/errors.js";
import { BusyError } from "../../conversation/admission.js";
import type { Db } from "../../db/client.js";
import { withRequestLog, type Logger } from "../../logger.js";
import type { AdapterMetrics } from "../../metrics.js";
import type { DeliveryAttempt, DeliveryResult, Sender } from "../../scheduler/outbox-worker.js";
import type { RouteHandler } from "../../server.js";
import { deliveryClaims } from "../shared/delivery-claims.js";
import { remainingOf, settle, within } from "../shared/deadline.js";
import { createDrain } from "../shared/drain.js";
import { boltLogger } from "./bolt-logger.js";
import { deliveryKey } from "./dedupe.js";
import { decodeSlackText, timestampIsFresh, undispatchedCallbackType } from "./edge.js";
import { slackDirectory } from "./directory.js";
import { drainingSocketReceiver } from "./socket-drain.js";
import { classifySlackError } from "./errors.js";
import { failureText, localeOf, slackText } from "./messages.js";
import { createSlackHome, listenForHomeOpened } from "./home.js";
import { INFO_MODAL_ID, loadingModal, textModal, viewModal, type SlackInfoModal } from "./modals.js";
import { responderFor, type Respond } from "./response-url.js";
import { registerSlackShortcuts } from "./shortcuts.js";
import { registerCustomerOptions } from "./options.js";

export const SLACK_EVENTS_ROUTE = "POST /slack/events";
// chat.postMessage errors that mean the channel will refuse every post until someone acts
// (docs.slack.dev chat.postMessage, Errors).
const CHANNEL_GONE = new Set(["not_in_channel", "channel_not_found", "is_archived"]);
// MessageRef.channel of an ephemeral copy, whose messageId is its response_url.
const RESPONSE_URL_COPY = "response_url";
const EVENTS_PATH = "/slack/events";

export interface SlackAdapterDeps {
  conversation: Conversation;
  db: Db;
  logger: Logger;
  clock: Clock;
  metrics?: AdapterMetrics;
}

export interface SlackAdapterOptions {
  /**
   * Modal submissions only (their ack carries the answer: inline errors or the next view): work
   * done within this is answered in the ack itself; Slack allows 3 s for the whole round trip.
   * Commands and clicks are acknowledged at once and answered afterwards.
   */
  ackBudgetMs?: number;
  /** A command whose answer is not in by then shows "working…" (replaced by the answer). */
  workingAfterMs?: number;
  /** Slack's own limit (3 s): an HTTP answer later than this counts as an ack over budget. */
  ackDeadlineMs?: number;
  /**
   * A click whose answer is not in by then gets a loading modal, opened while its trigger_id is
   * still valid (3 s after the click), in case the answer turns out to be a form.
   */
  modalBudgetMs?: number;
  /** How long a users.info answer (display name, locale) and a DM channel id are reused. */
  userCacheTtlMs?: number;
  /** Language of the transport's own messages when Slack does not tell the user's. */
  defaultLocale?: Locale;
  /** The slash command, as configured in the Slack app. */
  command?: string;
  /** Retry policy of interactive Web API calls (429s wait for Retry-After regardless). */
  retryConfig?: webApi.RetryOptions;
  /** Retry policy of outbox deliveries before the worker's own backoff takes over. */
  senderRetryConfig?: webApi.RetryOptions;
  /** The Home tab is published again this long after a member's last action (debounce). */
  homeDebounceMs?: number;
}

export interface SlackAdapter {
  mode: "http" | "socket";
  /** Mount on the HTTP server (empty in Socket Mode): { "POST /slack/events": handler }. */
  routes: Record<string, RouteHandler>;
  /** Verifies the token (auth.test) and, in Socket Mode, connects. Call before serving. */
  start(): Promise<void>;
  /**
   * Graceful shutdown, step one: new requests are turned away (a command or click is answered
   * "busy", an event gets a 503 over HTTP or no ack in Socket Mode, so Slack re-sends it), and
   * every request already acknowledged is carried out and answered, until `deadline` (epoch ms).
   * Resolves with how many were still running at the deadline.
   */
  drain(deadline: number): Promise<number>;
  stop(): Promise<void>;
  /** Delivers one outbox row: a DM (conversations.open + chat.postMessage) or a channel post. */
  sender: Sender;
}

// Interactive calls have a user waiting: a few quick retries, not the SDK's 30-minute default.
const INTERACTIVE_RETRY: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 300, maxTimeout: 2_000, randomize: true };
/** Message metadata event type of outbox deliveries; the payload's outbox_id is the row id. */
export const OUTBOX_EVENT_TYPE = "accord_outbox";
const HISTORY_SKEW_MS = 5 * 60_000;
const POST_RETRY_DELAY_MS = 300;
const HISTORY_PAGE = 200;
/** Beyond this many messages since the row was created, the earlier copy is not searched for. */
const HISTORY_MAX_PAGES = 5;
// The outbox worker retries with its own backoff (and honours Retry-After), so one quick retry here.
const SENDER_RETRY: webApi.RetryOptions = { retries: 1, factor: 2, minTimeout: 300, maxTimeout: 1_000, randomize: true };

/**
 * What is left of `budgetMs` since the request arrived. Wall-clock time on purpose: this is about
 * Slack's deadline, not domain time (deps.clock may be a test's frozen clock).
 */
function remaining(context: Record<string, unknown>, budgetMs: number): number {
  return remainingOf(context.receivedAt, budgetMs);
}

// render/slack.ts types its Block Kit JSON locally so the conversation layer never imports the
// SDK; the shapes are the ones Slack documents, which is what @slack/types describes too.
const kit = (blocks: SlackBlock[]) => blocks as unknown as types.KnownBlock[];
const kitView = (view: object) => view as unknown as types.View;

/** The workspace a request comes from, whatever its kind (command, event, click, submission). */
function teamOf(body: unknown): string | undefined {
  const b = (body ?? {}) as { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string }; view?: { team_id?: string } };
  return b.team_id ?? b.team?.id ?? b.user?.team_id ?? b.view?.team_id;
}

/** A plain text answer (transport notes, form errors): escaped, never read as mrkdwn. */
function textMessage(text: string): SlackMessage {
  const escaped = escapeSlack(text);
  return { text: escaped, blocks: [{ type: "section", text: { type: "mrkdwn", text: escaped } }] };
}

function errorsText(errors: Record<string, string>): string {
  return Object.values(errors)
    .map((message) => `• ${message}`)
    .join("\n");
}

/** Where the answer to a click goes. */
interface ClickPlace {
  userId: string;
  teamId: string;
  triggerId: string;
  /** The clicked message, when the click came from one. */
  channel?: string;
  messageTs?: string;
  isEphemeral: boolean;
  /** A modal to answer in: the one clicked inside, or the loading modal opened meanwhile. */
  viewId?: string;
  /** Clicked on the App Home tab: no channel, no response_url; answers open a modal. */
  home?: boolean;
  respond?: Respond;
  responseUrl?: string;
}

export function createSlackAdapter(config: SlackConfig, deps: SlackAdapterDeps, options: SlackAdapterOptions = {}): SlackAdapter {
  const { conversation, db, clock } = deps;
  const log = deps.logger.child({ component: "slack" });
  const ackBudgetMs = options.ackBudgetMs ?? 2_000;
  const modalBudgetMs = options.modalBudgetMs ?? 1_500;
  const workingAfterMs = options.workingAfterMs ?? 1_500;
  const defaultLocale: Locale = options.defaultLocale ?? "zh-CN";
  const commandName = options.command ?? "/crm";
  const socketMode = Boolean(config.appToken);
  const sdkLogger = boltLogger(deps.logger);
  const clientOptions: webApi.WebClientOptions = {
    // WebClient appends the method name to this URL as is.
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith("/") ? config.apiUrl : `${config.apiUrl}/` } : {}),
    retryConfig: options.retryConfig ?? INTERACTIVE_RETRY,
    logger: sdkLogger,
  };
  const directory = slackDirectory({ clock, logger: log, ttlMs: options.userCacheTtlMs ?? 15 * 60_000 });
  const claims = deliveryClaims(db, clock, "SLACK");

  // Our server owns the port: the receiver only lends its request listener (signature and
  // timestamp checks, body parsing, ack handling) to the "POST /slack/events" route.
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: EVENTS_PATH,
        logger: sdkLogger,
        processBeforeResponse: false,
        // Slack's 3 s run from when it sent the request, so budgets count from its arrival.
        customPropertiesExtractor: () => ({ receivedAt: Date.now() }),
      });
  // Declared before the receiver that consults it.
  const drain = createDrain();
  const socketReceiver = socketMode
    ? drainingSocketReceiver({
        appToken: config.appToken!,
        logger: sdkLogger,
        clientOptions,
        accepting: () => drain.accepting(),
        onHeld: (body) =>
          log.info({ type: (body["event"] as { type?: string } | undefined)?.type }, "slack: event left unacknowledged while shutting down (Slack re-sends it)"),
      })
    : undefined;
  const app = new App({
    token: config.botToken,
    receiver: receiver ?? socketReceiver!,
    clientOptions,
    logger: sdkLogger,
    // auth.test runs in start(), where a bad token fails loudly, not in the constructor.
    deferInitialization: true,
    extendedErrorHandler: true,
  });
  // Outbox deliveries must not sit in a 429 pause inside the worker: the error carries Retry-After
  // back to the worker, which reschedules the row.
  const senderClient = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: options.senderRetryConfig ?? SENDER_RETRY,
    rejectRateLimitedCalls: true,
  });
  // Posting is never retried here: a post whose answer was lost (a timeout, a dropped connection)
  // may have gone through, so the worker's next attempt looks in the history first (below).
  const postClient = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  let ready = false;
  // The Home tab and shortcuts live in ./home.ts and ./shortcuts.ts; publishing shares the
  // sender's client, which hands 429s back instead of pausing its queue.
  const home = createSlackHome({ client: senderClient, conversation, directory, log }, { ...(options.homeDebounceMs !== undefined ? { debounceMs: options.homeDebounceMs } : {}) });
  listenForHomeOpened(app, home);
  registerSlackShortcuts(app, { conversation, directory, log, defaultLocale, modalBudgetMs });

  function report(err: unknown, context: Record<string, unknown>): void {
    if (isDomainError(err)) log.info({ code: err.code, ...context }, "slack: request refused");
    else log.error({ err, ...context }, "slack: request failed");
  }

  async function call<T>(method: string, work: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      log.warn({ slack: classifySlackError(method, err).description, ...context }, "slack: web api call failed");
      return undefined;
    }
  }

  // First of all: while draining, turn new requests away without touching the database; until
  // then, count each request as accepted until its listener (ack and the answer after it) is done.
  app.use(async (args) => {
    if (drain.accepting()) {
      await drain.track(args.next());
      return;
    }
    await turnAway(args.body, (args as { ack?: (response?: object) => Promise<void> }).ack);
  });
  /** conversations.info for membership checks (channels:read, groups:read for private ones). */
  function channelLookups(client: webApi.WebClient): PlatformChannels {
    return {
      async channelStatus(channelId) {
        try {
          const res = await client.conversations.info({ channel: channelId });
          const channel = res.channel as { is_member?: boolean; name?: string } | undefined;
          return { found: Boolean(channel), botIsMember: channel?.is_member === true, ...(channel?.name ? { name: channel.name } : {}) };
        } catch (err) {
          const failure = classifySlackError("conversations.info", err);
          // A private channel the bot is not in answers channel_not_found too.
          if (failure.code === "channel_not_found") return { found: false, botIsMember: false };
          log.warn({ slack: failure.description, channelId }, "slack: channel not checked");
          return undefined;
        }
      },
    };
  }

  // Every line logged while a request is handled (listeners, SDK, late work) names its workspace.
  app.use(({ body, next }) => withRequestLog(deps.logger, { tenant: teamOf(body), platform: "SLACK" }, next));

  /**
   * A request arriving while the process shuts down: "busy, try again" where a person is waiting
   * (the command's ack, the click's response_url, the form's first field), nothing for an event
   * (unacknowledged in Socket Mode, Slack sends it again, to another connection if there is one).
   */
  async function turnAway(body: unknown, ack: ((response?: object) => Promise<void>) | undefined): Promise<void> {
    const b = (body ?? {}) as {
      command?: unknown;
      type?: unknown;
      user_id?: string;
      user?: { id?: string };
      response_url?: string;
      view?: { blocks?: Array<{ type?: string; block_id?: string }> };
    };
    const userId = b.user_id ?? b.user?.id ?? "";
    const teamId = teamOf(body) ?? "";
    const locale = localeOf(directory.cachedLocale(teamId, userId), defaultLocale);
    const text = failureText(locale, new BusyError());
    log.info({ type: typeof b.command === "string" ? "command" : b.type }, "slack: request turned away while shutting down");
    if (typeof b.command === "string") {
      await ack?.({ response_type: "ephemeral", text });
      return;
    }
    if (b.type === "block_actions") {
      await ack?.();
      const respond = b.response_url ? responderFor(b.response_url) : undefined;
      if (respond) await call("response_url", () => respond({ response_type: "ephemeral", replace_original: false, text }));
      return;
    }
    if (b.type === "view_submission") {
      const first = (b.view?.blocks ?? []).find((block) => block.type === "input" && block.block_id);
      await ack?.(
        first ? { response_action: "errors", errors: { [first.block_id!]: text } } : { response_action: "update", view: kitView(textModal(locale, text)) },
      );
      return;
    }
    if (b.type === "view_closed") await ack?.();
    if (b.type === "block_suggestion") await ack?.({ options: [] });
  }

  // ---------------------------------------------------------------------------------------------
  // De-duplication of re-deliveries, for every kind of request.

  /** Runs `work` for the first delivery of `body` only; a re-delivery runs `onDuplicate` instead. */
  async function firstDeliveryOnly(body: unknown, work: () => Promise<void>, onDuplicate?: () => Promise<void>): Promise<void> {
    const key = deliveryKey(body);
    let claimed: boolean;
    try {
      claimed = await claims.claim(key);
    } catch (err) {
      // Without the database nothing can be de-duplicated, nor done; the listener still answers
      // the user (with the apology) instead of leaving them without an answer.
      log.error({ err, key }, "slack: could not claim delivery");
      await work();
      return;
    }
    if (!claimed) {
      log.info({ key }, "slack: duplicate delivery ignored");
      await onDuplicate?.();
      return;
    }
    try {
      await work();
    } catch (err) {
      await claims.release(key).catch((releaseErr: unknown) => log.error({ err: releaseErr, key }, "slack: release failed"));
      throw err;
    }
    await claims.complete(key);
  }

  // Commands and clicks are acknowledged by their listeners before anything touches the database
  // (so Slack's 3 s never depend on our load) and claimed right after; option requests only read
  // (and the same text typed twice is asked twice); the others are claimed here.
  app.use(async (args) => {
    const body = args.body as { command?: unknown; type?: unknown };
    if (typeof body.command === "string" || body.type === "block_actions" || body.type === "block_suggestion") {
      await args.next();
      return;
    }
    await firstDeliveryOnly(args.body, args.next, async () => {
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
    });
  });

  // ---------------------------------------------------------------------------------------------
  // /crm <text>: acknowledged at once with an empty body (Slack shows nothing for it), answered
  // through response_url as Slack recommends for anything that reads a database. A slow answer
  // shows "working…" first, replaced by the answer.

  app.command(commandName, async ({ command, ack, client, body }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const respond: Respond =
      responderFor(command.response_url) ??
      (() => Promise.reject(new Error("the command carried no response_url")));
    await firstDeliveryOnly(body, async () => {
      const team = { id: command.team_id, ...(command.team_domain ? { name: command.team_domain } : {}) };
      let locale = localeOf(directory.cachedLocale(team.id, command.user_id), defaultLocale);
      const work = settle(
        (async () => {
          const who = await directory.identify(client, team, command.user_id);
          locale = localeOf(who.locale, defaultLocale);
          return conversation.command({
            user: who.user,
            channels: channelLookups(client),
            text: decodeSlackText(command.text ?? ""),
            ...(command.channel_id ? { channelId: command.channel_id } : {}),
          });
        })(),
      );
      const ephemeral = (message: SlackMessage): RespondArguments => ({
        response_type: "ephemeral",
        text: message.text,
        blocks: kit(message.blocks),
      });
      let placeholder = false;
      let outcome = await within(work, workingAfterMs);
      if (!outcome) {
        const shown = await call("response_url", () => respond(ephemeral(textMessage(slackText(locale, "slack.working")))), { command: commandName });
        placeholder = shown !== undefined;
        outcome = await work;
      }
      const answer = (message: SlackMessage) =>
        call("response_url", () => respond({ ...ephemeral(message), ...(placeholder ? { replace_original: true } : {}) }), { command: commandName });

      if (!outcome.ok) {
        report(outcome.error, { command: commandName, user: command.user_id });
        await answer(textMessage(failureText(locale, outcome.error)));
        return;
      }
      const reply = outcome.value;
      switch (reply.kind) {
        case "view": {
          const posted = await answer(renderSlackMessage(reply.view));
          // The requester's own copy of a card is this ephemeral message: only its response_url
          // can change it (30 minutes, 5 uses), which is also about how long Slack shows it.
          if (posted !== undefined && reply.card && command.response_url) {
            await rememberCopy(command.team_id, reply.card, RESPONSE_URL_COPY, command.response_url);
          }
          return;
        }
        case "form_errors":
          await answer(textMessage(errorsText(reply.errors)));
          return;
        case "file": {
          const sent = await sendFile(client, command.user_id, reply.file);
          await answer(sent ? renderSlackMessage(reply.view) : textMessage(slackText(locale, "slack.file_failed")));
          return;
        }
        case "form": {
          const opened = await call("views.open", () =>
            client.views.open({ trigger_id: command.trigger_id, view: kitView(renderSlackModal(reply.form)) }),
          );
          if (!opened) await answer(textMessage(slackText(locale, "slack.form_unavailable")));
          // Take the "working…" placeholder away now that the form is open.
          else if (placeholder) await call("response_url", () => respond({ delete_original: true }));
          return;
        }
      }
    });
    home.touched(command.team_id, command.user_id);
  });

  // ---------------------------------------------------------------------------------------------
  // Buttons

  app.action(/.+/, async (args) => {
    const { ack, body, action, client, context } = args as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
    await ack();
    if (body.type !== "block_actions" || action.type !== "button") return;
    await firstDeliveryOnly(body, () => answerClick(client, body, action as ButtonAction, context));
    home.touched(body.team?.id ?? body.user.team_id ?? "", body.user.id);
  });

  async function answerClick(
    client: webApi.WebClient,
    body: BlockAction,
    button: ButtonAction,
    context: Record<string, unknown>,
  ): Promise<void> {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const container = (body.container ?? {}) as { type?: string; is_ephemeral?: boolean; channel_id?: string; message_ts?: string };
    const onHome = body.view?.type === "home";
    const inModal = container.type === "view" && Boolean(body.view?.id) && !onHome;
    const place: ClickPlace = {
      userId: body.user.id,
      teamId,
      triggerId: body.trigger_id,
      isEphemeral: container.is_ephemeral === true,
      ...(body.channel?.id || container.channel_id ? { channel: body.channel?.id ?? container.channel_id } : {}),
      ...(body.message?.ts || container.message_ts ? { messageTs: body.message?.ts ?? container.message_ts } : {}),
      ...(inModal ? { viewId: body.view!.id } : {}),
      ...(onHome ? { home: true } : {}),
      ...(body.response_url ? { respond: responderFor(body.response_url)!, responseUrl: body.response_url } : {}),
    };
    let locale = localeOf(directory.cachedLocale(teamId, body.user.id), defaultLocale);
    const work = settle(
      (async () => {
        const who = await directory.identify(client, { id: teamId, ...(body.team?.domain ? { name: body.team.domain } : {}) }, body.user.id);
        locale = localeOf(who.locale, defaultLocale);
        return conversation.action({ user: who.user, actionId: baseActionId(button.action_id), payload: button.value ?? "" });
      })(),
    );
    let outcome = await within(work, remaining(context, modalBudgetMs));
    if (!outcome && !inModal) {
      const opened = await call("views.open", () => client.views.open({ trigger_id: body.trigger_id, view: kitView(loadingModal(locale)) }));
      if (opened?.view?.id) place.viewId = opened.view.id;
    }
    outcome ??= await work;
    if (!outcome.ok) {
      report(outcome.error, { action: button.action_id, user: body.user.id });
      await showText(client, place, locale, failureText(locale, outcome.error));
      return;
    }
    await answerAction(client, place, locale, outcome.value);
  }

  async function answerAction(client: webApi.WebClient, place: ClickPlace, locale: Locale, answer: ActionReply): Promise<void> {
    // The cards first: the clicked one should lose its buttons before anything else happens.
    const failed = answer.updatedCard ? await refreshCopies(client, place.teamId, answer.updatedCard, place) : 0;
    await showReply(client, place, locale, answer.reply);
    if (failed > 0) {
      // Beside the reply, not instead of it: ephemerally even when the reply went into a modal.
      const { viewId: _modal, ...beside } = place;
      await showText(client, beside, locale, slackText(locale, "slack.update_failed", { count: failed }));
    }
  }

  /**
   * A file to one user, in their DM, by Slack's upload flow (files:write): files.getUploadURLExternal,
   * the bytes POSTed to the upload_url it returns, files.completeUploadExternal with the DM's
   * channel_id so only they see it (the SDK's uploadV2 does the three steps).
   */
  async function sendFile(client: webApi.WebClient, userId: string, file: OutboundFile): Promise<boolean> {
    const channel = await call("conversations.open", () => directory.dmChannel(client, userId));
    if (!channel) return false;
    const uploaded = await call("files.uploadV2", () =>
      client.files.uploadV2({ channel_id: channel, file: file.bytes, filename: file.name, title: file.name }),
    );
    return uploaded !== undefined;
  }

  async function showReply(client: webApi.WebClient, place: ClickPlace, locale: Locale, reply: Reply): Promise<void> {
    switch (reply.kind) {
      case "file": {
        const sent = await sendFile(client, place.userId, reply.file);
        if (sent) await show(client, place, renderSlackMessage(reply.view), () => viewModal(locale, reply.view));
        else await showText(client, place, locale, slackText(locale, "slack.file_failed"));
        return;
      }
      case "view":
        await show(client, place, renderSlackMessage(reply.view), () => viewModal(locale, reply.view));
        return;
      case "form_errors":
        await showText(client, place, locale, errorsText(reply.errors));
        return;
      case "form": {
        const modal = kitView(renderSlackModal(reply.form));
        const viewId = place.viewId;
        const shown = viewId
          ? await call("views.update", () => client.views.update({ view_id: viewId, view: modal }))
          : await call("views.open", () => client.views.open({ trigger_id: place.triggerId, view: modal }));
        if (!shown) await showText(client, place, locale, slackText(locale, "slack.form_unavailable"));
        return;
      }
    }
  }

  function showText(client: webApi.WebClient, place: ClickPlace, locale: Locale, text: string): Promise<void> {
    return show(client, place, textMessage(text), () => textModal(locale, text));
  }

  /** Shows an answer to the user who clicked: in the modal if there is one, else ephemerally. */
  async function show(client: webApi.WebClient, place: ClickPlace, message: SlackMessage, modal: () => SlackInfoModal): Promise<void> {
    const viewId = place.viewId;
    if (viewId && (await call("views.update", () => client.views.update({ view_id: viewId, view: kitView(modal()) })))) return;
    const channel = place.channel;
    if (
      channel &&
      (await call("chat.postEphemeral", () =>
        client.chat.postEphemeral({ channel, user: place.userId, text: message.text, blocks: kit(message.blocks) }),
      ))
    ) {
      return;
    }
    const respond = place.respond;
    if (respond) {
      await call("response_url", () =>
        respond({ response_type: "ephemeral", replace_original: false, text: message.text, blocks: kit(message.blocks) }),
      );
    } else if (place.home) {
      await call("views.open", () => client.views.open({ trigger_id: place.triggerId, view: kitView(modal()) }));
    }
  }

  /** Keeps a reference to a posted copy of an entity's card, so a later change updates it too. */
  async function rememberCopy(teamId: string, card: { entityType: string; entityId: string }, channel: string, messageId: string): Promise<void> {
    try {
      const tenant = await db.tenant.findUnique({ where: { platform_externalId: { platform: "SLACK", externalId: teamId } }, select: { id: true } });
      if (!tenant) return;
      await db.messageRef.upsert({
        where: { platform_channel_messageId: { platform: "SLACK", channel, messageId } },
        create: { tenantId: tenant.id, entityType: card.entityType, entityId: card.entityId, platform: "SLACK", channel, messageId },
        update: {},
      });
    } catch (err) {
      log.warn({ err, entityType: card.entityType, entityId: card.entityId }, "slack: card copy not remembered");
    }
  }

  /**
   * Every posted copy of the entity's card gets the new view: the clicked message and every
   * MessageRef row (approvers' DMs, channel posts). Returns how many copies could not be updated.
   */
  async function refreshCopies(
    client: webApi.WebClient,
    teamId: string,
    card: NonNullable<ActionReply["updatedCard"]>,
    clicked?: ClickPlace,
  ): Promise<number> {
    const message = renderSlackMessage(card.view);
    const targets = new Map<string, { channel: string; ts: string }>();
    if (clicked?.channel && clicked.messageTs && !clicked.isEphemeral) {
      targets.set(`${clicked.channel}:${clicked.messageTs}`, { channel: clicked.channel, ts: clicked.messageTs });
    }
    const tenant = await db.tenant.findUnique({
      where: { platform_externalId: { platform: "SLACK", externalId: teamId } },
      select: { id: true, settings: true },
    });
    // A copy in a shared channel shows what the channel post showed: contact details masked.
    const shared = tenant ? sharedChannelIds(tenant.settings) : new Set<string>();
    const masked = renderSlackMessage(maskViewForChannel(card.view));
    const ephemeralCopies = new Set<string>();
    if (tenant) {
      const refs = await db.messageRef.findMany({
        where: { tenantId: tenant.id, platform: "SLACK", entityType: card.entityType, entityId: card.entityId },
        select: { channel: true, messageId: true },
      });
      for (const ref of refs) {
        if (ref.channel === RESPONSE_URL_COPY) ephemeralCopies.add(ref.messageId);
        else targets.set(`${ref.channel}:${ref.messageId}`, { channel: ref.channel, ts: ref.messageId });
      }
    }
    if (clicked?.respond && clicked.isEphemeral) ephemeralCopies.delete(clicked.responseUrl ?? "");
    // Ephemeral copies (the requester's answer) through their response_url. Past its 30 minutes
    // Slack refuses, and the copy is no longer shown either: not counted as a failure.
    await Promise.all(
      [...ephemeralCopies].map(async (url) => {
        const respond = responderFor(url);
        if (!respond) return;
        try {
          await respond({ replace_original: true, text: message.text, blocks: kit(message.blocks) });
        } catch (err) {
          log.info({ err: err instanceof Error ? err.message : String(err), entityType: card.entityType, entityId: card.entityId }, "slack: ephemeral card copy no longer updatable");
        }
      }),
    );
    const results = await Promise.allSettled(
      [...targets.values()].map((target) =>
        client.chat
          .update({
            channel: target.channel,
            ts: target.ts,
            text: (shared.has(target.channel) ? masked : message).text,
            blocks: kit((shared.has(target.channel) ? masked : message).blocks),
          })
          .catch((err: unknown) => {
          const failure = classifySlackError("chat.update", err);
          log.error(
            { slack: failure.description, channel: target.channel, ts: target.ts, entityType: card.entityType, entityId: card.entityId },
            "slack: card copy not updated",
          );
          throw err;
        }),
      ),
    );
    let failed = results.filter((r) => r.status === "rejected").length;
    // An ephemeral message cannot be edited through chat.update, only through its response_url.
    const respond = clicked?.respond;
    if (clicked?.isEphemeral && respond) {
      const done = await call("response_url", () => respond({ replace_original: true, text: message.text, blocks: kit(message.blocks) }));
      if (done === undefined) failed += 1;
    }
    return failed;
  }

  // ---------------------------------------------------------------------------------------------
  // Modal submissions

  app.view({ type: "view_submission" }, async (args) => {
    const { ack, body, view, client, context } = args as SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
    if (view.callback_id === INFO_MODAL_ID) {
      await ack();
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? view.team_id;
    let locale = localeOf(directory.cachedLocale(teamId, body.user.id), defaultLocale);
    const work = settle(
      (async () => {
        const who = await directory.identify(client, { id: teamId, ...(body.team?.domain ? { name: body.team.domain } : {}) }, body.user.id);
        locale = localeOf(who.locale, defaultLocale);
        return conversation.submit({
          user: who.user,
          actionId: view.callback_id,
          payload: view.private_metadata ?? "",
          values: readSlackFormValues(view.state?.values),
        });
      })(),
    );
    // slackFormErrors attaches each message to its input block; the submitted view has them all.
    const fields = {
      fields: (view.blocks as Array<{ type?: string; block_id?: string }>)
        .filter((block) => block.type === "input" && block.block_id)
        .map((block) => ({ name: block.block_id!, label: block.block_id!, kind: "text" as const, required: false })),
    };
    const early = await within(work, remaining(context, ackBudgetMs));
    if (!early) await ack({ response_action: "update", view: kitView(loadingModal(locale)) });
    const outcome = early ?? (await work);

    // Either messages under the fields (only possible in the ack) or a modal replacing the form.
    let inline: Record<string, string> | undefined;
    let modal: object;
    if (!outcome.ok) {
      report(outcome.error, { form: view.callback_id, user: body.user.id });
      const text = failureText(locale, outcome.error);
      // On the first field, so the user keeps what they typed and can try again.
      inline = fields.fields.length > 0 ? slackFormErrors(fields, { [FORM_ERROR_KEY]: text }).errors : undefined;
      modal = textModal(locale, text);
    } else {
      const reply = outcome.value.reply;
      if (reply.kind === "form_errors") {
        const placed = slackFormErrors(fields, reply.errors).errors;
        // A message for a field this modal does not have would be lost: list them all instead.
        inline = Object.keys(placed).length > 0 ? placed : undefined;
        modal = textModal(locale, errorsText(reply.errors));
      } else {
        modal = reply.kind === "form" ? renderSlackModal(reply.form) : viewModal(locale, reply.view);
      }
    }
    if (early) {
      await ack(inline ? { response_action: "errors", errors: inline } : { response_action: "update", view: kitView(modal) });
    } else {
      // Too late for inline errors: the loading modal now shows the outcome instead.
      await call("views.update", () => client.views.update({ view_id: view.id, view: kitView(modal) }));
    }
    if (outcome.ok && outcome.value.updatedCard) await refreshCopies(client, teamId, outcome.value.updatedCard);
    home.touched(teamId, body.user.id);
  });

  registerCustomerOptions(app, { conversation, directory, report, budgetMs: ackBudgetMs });

  // ---------------------------------------------------------------------------------------------
  // Direct messages to the bot: the same grammar without the slash.

  app.event("message", async ({ event, client, body }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs) => {
    const message = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; channel: string };
    if (message.channel_type !== "im" || message.subtype || message.bot_id || !message.user || !message.text) return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const who = await directory.identify(client, { id: teamId }, message.user);
    const locale = localeOf(who.locale, defaultLocale);
    const text = decodeSlackText(message.text).trim();
    const outcome = await settle(conversation.command({ user: who.user, text, channelId: message.channel, channels: channelLookups(client) }));
    let reply: SlackMessage;
    if (!outcome.ok) {
      report(outcome.error, { event: "message.im", user: message.user });
      reply = textMessage(failureText(locale, outcome.error));
    } else if (outcome.value.kind === "view") {
      reply = renderSlackMessage(outcome.value.view);
    } else if (outcome.value.kind === "form_errors") {
      reply = textMessage(errorsText(outcome.value.errors));
    } else {
      // Events carry no trigger_id, so no modal can be opened from a plain message.
      reply = textMessage(slackText(locale, "slack.use_slash_command", { text }));
    }
    await call("chat.postMessage", () =>
      client.chat.postMessage({ channel: message.channel, text: reply.text, blocks: kit(reply.blocks) }),
    );
    home.touched(teamId, message.user);
  });

  app.error(async (args) => {
    const { error, body } = args as unknown as { error: Error; body?: { type?: string } };
    log.error({ err: error, type: body?.type, tenant: teamOf(body), platform: "SLACK" }, "slack: unhandled error in a listener");
  });

  // ---------------------------------------------------------------------------------------------
  // Outbox delivery

  /**
   * Slack's chat.postMessage has no idempotency key. Each outbox message carries its row id in
   * message metadata; a row recovered after a crash (it may have left before the crash) is first
   * looked for in the conversation's history since the row was created, and not posted again if
   * it is there. History that cannot be read (a scope or membership missing, an error) leaves
   * at-least-once delivery, counted in the metrics.
   */
  async function earlierCopy(channel: string, message: OutboxMessage): Promise<{ ts: string } | "absent" | "unavailable"> {
    // A little before the row was created: clocks of replicas and Slack differ slightly.
    const oldest = ((message.createdAt.getTime() - HISTORY_SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        const history = await senderClient.conversations.history({
          channel,
          oldest,
          limit: HISTORY_PAGE,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
        for (const m of history.messages ?? []) {
          const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
          if (metadata?.event_type === OUTBOX_EVENT_TYPE && metadata.event_payload?.outbox_id === message.id && m.ts) return { ts: m.ts };
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) return "absent";
      }
      return "unavailable";
    } catch (err) {
      log.warn({ slack: classifySlackError("conversations.history", err).description, outboxId: message.id }, "slack: history unreadable, re-sending a recovered delivery");
      return "unavailable";
    }
  }

  const sender: Sender = async (message: OutboxMessage, attempt: DeliveryAttempt): Promise<DeliveryResult> => {
    // (attempts counts this one: more than one means an earlier attempt may have posted it.)
    const delivery = await conversation.renderDelivery(message);
    if (!delivery) return { ok: true };
    const rendered = renderSlackMessage(delivery.view);
    let method = "conversations.open";
    try {
      const channel =
        delivery.to.kind === "channel" ? delivery.to.channelId : await directory.dmChannel(senderClient, delivery.to.platformUserId);
      // Recovered from a crashed replica, or tried before with an outcome we did not hear: it may
      // be in the conversation already.
      if (attempt.recovered || message.attempts > 1) {
        const found = await earlierCopy(channel, message);
        deps.metrics?.recoveredDeliveryChecked?.("SLACK", typeof found === "object" ? "found" : found);
        if (typeof found === "object") {
          log.info({ outboxId: message.id, ts: found.ts }, "slack: recovered delivery was already posted, not posting again");
          return { ok: true, platformMessageId: found.ts, channel };
        }
      }
      method = "chat.postMessage";
      const post = () =>
        postClient.chat.postMessage({
          channel,
          text: rendered.text,
          blocks: kit(rendered.blocks),
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: message.id } },
        });
      let posted: Awaited<ReturnType<typeof post>>;
      try {
        posted = await post();
      } catch (err) {
        // An HTTP error or a dropped connection may hide a post that went through: one more try
        // at once, but only after looking for it; otherwise the worker tries later (and looks).
        if (!(err instanceof webApi.WebAPIHTTPError || err instanceof webApi.WebAPIRequestError)) throw err;
        await new Promise((resolve) => setTimeout(resolve, POST_RETRY_DELAY_MS));
        const found = await earlierCopy(channel, message);
        deps.metrics?.recoveredDeliveryChecked?.("SLACK", typeof found === "object" ? "found" : found);
        if (typeof found === "object") return { ok: true, platformMessageId: found.ts, channel };
        if (found === "unavailable") throw err;
        posted = await post();
      }
      return { ok: true, ...(posted.ts ? { platformMessageId: posted.ts } : {}), channel: posted.channel ?? channel };
    } catch (err) {
      const failure = classifySlackError(method, err);
      const context = { slack: failure.description, outboxId: message.id, target: message.target, attempt: message.attempts };
      if (failure.permanent) log.error(context, "slack: delivery failed permanently");
      else log.warn(context, "slack: delivery failed, will retry");
      if (delivery.to.kind === "channel" && CHANNEL_GONE.has(failure.code)) {
        await conversation
          .channelUnreachable({ tenantId: message.tenantId, channelId: delivery.to.channelId, reason: failure.code })
          .catch((alertErr: unknown) => log.error({ err: alertErr }, "slack: admins not told about the channel"));
      }
      return {
        ok: false,
        permanent: failure.permanent,
        error: failure.description,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      };
    }
  };

  /**
   * What Bolt's receiver does not do itself: refuse a request dated more than five minutes in the
   * future, and answer 200 at once to a callback type it has no listener for (it would answer 404
   * after 3 s). The body is buffered where Bolt looks for it (req.rawBody), so Bolt reads it again
   * and verifies the signature as usual. True when the request goes on to Bolt.
   */
  async function acceptOrAnswer(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    let buffered: BufferedIncomingMessage;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req);
    } catch {
      return true;
    }
    const header = req.headers["x-slack-request-timestamp"];
    const timestamp = Array.isArray(header) ? header[0] : header;
    const raw = buffered.rawBody.toString("utf8");
    const contentType = req.headers["content-type"];
    const sslCheck = contentType === "application/x-www-form-urlencoded" && new URLSearchParams(raw).get("ssl_check") === "1";
    if (!sslCheck && timestamp !== undefined && !timestampIsFresh(timestamp, Date.now())) {
      log.warn({ timestamp }, "slack: request refused, timestamp more than 5 minutes off");
      res.writeHead(401);
      res.end();
      return false;
    }
    const unused = undispatchedCallbackType(raw, contentType);
    if (unused === undefined) return true;
    const signature = req.headers["x-slack-signature"];
    const signed =
      typeof signature === "string" &&
      timestamp !== undefined &&
      isValidSlackRequest({ signingSecret: config.signingSecret, body: raw, headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) } });
    if (!signed) {
      log.warn("slack: request refused, signature verification failed");
      res.writeHead(401);
      res.end();
      return false;
    }
    const type = /^[a-z_]{1,64}$/.test(unused) ? unused : "unknown";
    const body = (() => {
      try {
        return JSON.parse(raw) as { team_id?: string; minute_rate_limited?: number };
      } catch {
        return {};
      }
    })();
    if (type === "app_rate_limited") {
      log.warn({ tenant: body.team_id, minuteRateLimited: body.minute_rate_limited }, "slack: events are being rate limited for this workspace");
    } else {
      log.info({ type, tenant: body.team_id }, "slack: callback type not used, answered 200");
    }
    deps.metrics?.callbackIgnored?.("SLACK", type);
    res.writeHead(200);
    res.end();
    return false;
  }

  const routes: Record<string, RouteHandler> = receiver
    ? {
        [SLACK_EVENTS_ROUTE]: (req, res) => {
          if (!ready) {
            res.writeHead(503, { "content-type": "text/plain" });
            res.end("slack adapter not started");
            return;
          }
          // Events API requests (JSON; commands and interactivity are form-encoded) that arrive
          // while shutting down get an error, which Slack answers by sending them again later.
          if (!drain.accepting() && (req.headers["content-type"] ?? "").startsWith("application/json")) {
            res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" });
            res.end("shutting down");
            return;
          }
          // Over HTTP the answer is the ack (Socket Mode has no arrival time to measure from).
          const arrived = Date.now();
          res.once("finish", () => {
            if (Date.now() - arrived > (options.ackDeadlineMs ?? 3_000)) deps.metrics?.ackOverBudget("SLACK");
          });
          void acceptOrAnswer(req, res).then((forBolt) => {
            if (forBolt) receiver.requestListener(req, res);
          });
        },
      }
    : {};

  return {
    mode: socketMode ? "socket" : "http",
    routes,
    sender,
    async start() {
      await app.init();
      if (socketMode) await app.start();
      ready = true;
    },
    async drain(deadline) {
      const drained = drain.drain(deadline);
      if (socketReceiver) {
        // Once the envelopes in hand are acknowledged, the connection closes so that Slack sends
        // everything new to the app's other connections (or keeps events until one opens).
        await within(settle(socketReceiver.acked()), Math.max(0, deadline - Date.now()));
        await socketReceiver.disconnect();
        log.info("slack: socket mode connection closed for shutdown");
      }
      return drained;
    },
    async stop() {
      ready = false;
      home.stop();
      if (socketMode) await app.stop();
      directory.clear();
    },
  };
}
