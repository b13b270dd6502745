// Customer pickers in modals (external_select, docs.slack.dev block_suggestion payload): Slack
// asks for options while the user types — to the Select Menus Options Load URL over HTTP, through
// the socket in Socket Mode — and shows whatever the ack carries ({ options: [...] }, at most 100),
// so the answer is the ack, within Slack's 3 s. The conversation picks the customers (the
// member's scope, the core's search); this file only carries the request and the answer. Nothing
// is written, so these requests are neither claimed nor de-duplicated (adapter.ts).
import type { AllMiddlewareArgs, App, SlackOptionsMiddlewareArgs } from "@slack/bolt";
import type { Conversation } from "../../conversation/port.js";
import { renderSlackOptions } from "../../conversation/render/slack.js";
import type { FormOption } from "../../conversation/views/form.js";
import type { SlackDirectory } from "./directory.js";
import { remainingOf, settle, within } from "../shared/deadline.js";
import { INFO_MODAL_ID } from "./modals.js";

export interface CustomerOptionsDeps {
  conversation: Conversation;
  directory: SlackDirectory;
  report(err: unknown, context: Record<string, unknown>): void;
  /** How long the search may take, counted from the request's arrival (Slack allows 3 s in all). */
  budgetMs: number;
}

interface SuggestionView {
  callback_id?: string;
  private_metadata?: string;
  blocks?: Array<{ block_id?: string; optional?: boolean }>;
}

export function registerCustomerOptions(app: App, deps: CustomerOptionsDeps): void {
  app.options({ type: "block_suggestion" }, async (args) => {
    const { ack, body, client, context } = args as SlackOptionsMiddlewareArgs<"block_suggestion"> & AllMiddlewareArgs;
    const view = body.view as SuggestionView | undefined;
    // Only our forms have customer pickers; they all live in modals.
    if (!view?.callback_id || view.callback_id === INFO_MODAL_ID) {
      await ack({ options: [] });
      return;
    }
    const callbackId = view.callback_id;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const block = (view.blocks ?? []).find((b) => b.block_id === body.block_id);
    const search = (async (): Promise<FormOption[]> => {
      const who = await deps.directory.identify(client, { id: teamId, ...(body.team?.domain ? { name: body.team.domain } : {}) }, body.user.id);
      return deps.conversation.customerOptions({
        user: who.user,
        actionId: callbackId,
        payload: view.private_metadata ?? "",
        query: typeof body.value === "string" ? body.value : "",
        required: block?.optional !== true,
      });
    })();
    // A search later than the budget answers with no options (the next keystroke asks again)
    // rather than not at all; a failed one likewise, and is reported.
    const outcome = await within(settle(search), remainingOf(context.receivedAt, deps.budgetMs));
    if (outcome && !outcome.ok) deps.report(outcome.error, { suggestion: body.action_id, user: body.user.id });
    const options = outcome?.ok ? outcome.value : [];
    await ack(renderSlackOptions(options));
  });
}
