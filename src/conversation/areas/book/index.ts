// The customer book area: lists and search, the file and its contacts, history, records by
// number, handovers and leavers. Each concern lives in its own module beside this one.
import type { ConversationArea } from "../../area.js";
import { noticeView } from "../../builders/common.js";
import {
  contactAddCommand,
  contactEditCommand,
  contactPrimaryCommand,
  contactRemoveCommand,
  contactsCommand,
  editCommand,
  openAddContact,
  openEditContact,
  primaryContactAction,
  removeContactAction,
  submitAddContact,
  submitEdit,
  submitEditContact,
  tierAutoCommand,
} from "./file.js";
import { assignCommand, deactivateCommand, handoverCommand, renderHandover, renderSucceeded } from "./handover.js";
import { historyCommand, historyMore } from "./history.js";
import { findMore, listCommand, listMore, showSearch } from "./list.js";
import { complaintShow, complaintsClosed, hospitalityShow } from "./records.js";

export const customerBookArea: ConversationArea = {
  commands: {
    "customers.list": listCommand,
    "customer.find": async (session, command) =>
      command.query
        ? { kind: "view", view: await showSearch(session, command.query, 0) }
        : { kind: "view", view: noticeView(session, session.t("book.search.usage"), "warning") },
    "customer.edit": editCommand,
    "customer.tier_auto": tierAutoCommand,
    "customer.history": historyCommand,
    "customer.assign": assignCommand,
    "customer.handover": handoverCommand,
    "contacts.list": contactsCommand,
    "contact.add": contactAddCommand,
    "contact.edit": contactEditCommand,
    "contact.remove": contactRemoveCommand,
    "contact.primary": contactPrimaryCommand,
    "complaint.show": complaintShow,
    "complaints.closed": complaintsClosed,
    "hospitality.show": hospitalityShow,
    "admin.deactivate": deactivateCommand,
  },
  actions: {
    "customers.more": listMore,
    "customers.find_more": findMore,
    "customer.history_more": historyMore,
    "contact.open_add": openAddContact,
    "contact.edit": openEditContact,
    "contact.remove": removeContactAction,
    "contact.primary": primaryContactAction,
  },
  forms: {
    "customer.edit": submitEdit,
    "contact.add": submitAddContact,
    "contact.edit": submitEditContact,
  },
  intents: {
    "customer.handover": renderHandover,
    "member.succeeded": renderSucceeded,
  },
};
