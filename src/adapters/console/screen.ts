// What the numbers on the console's screen click, per member. Every card printed with buttons
// stays clickable until the card itself is replaced (a decision redraws it, or the same entity's
// card is printed again): its buttons are numbered after those of the cards still live, so a
// button from two replies ago keeps its number. Each member has their own screen, so switching
// with /as and back finds the numbers where they were.
import { renderText, type TextChoice } from "../../conversation/render/text.js";
import type { View } from "../../conversation/views/view.js";

/** How many cards with buttons one member keeps clickable; the oldest go first. */
const LIVE_CARDS = 30;

interface LiveCard {
  /** The entity the card shows, when it is that entity's card: printing it again replaces it. */
  entity?: string;
  choices: TextChoice[];
}

interface MemberScreen {
  cards: LiveCard[];
  next: number;
}

export interface EntityKey {
  entityType: string;
  entityId: string;
}

export class ConsoleScreens {
  private readonly screens = new Map<string, MemberScreen>();

  private screenOf(member: string): MemberScreen {
    let screen = this.screens.get(member);
    if (!screen) {
      screen = { cards: [], next: 1 };
      this.screens.set(member, screen);
    }
    return screen;
  }

  /** Renders `view` for `member`, numbering its buttons after the live ones; returns the text. */
  present(member: string, view: View, entity?: EntityKey): string {
    const screen = this.screenOf(member);
    const key = entity ? `${entity.entityType}:${entity.entityId}` : undefined;
    if (key) screen.cards = screen.cards.filter((card) => card.entity !== key);
    // Numbers start again at 1 once nothing on screen can be clicked.
    if (screen.cards.length === 0) screen.next = 1;
    const rendered = renderText(view, { firstNumber: screen.next });
    if (rendered.choices.length > 0) {
      screen.cards.push({ ...(key ? { entity: key } : {}), choices: rendered.choices });
      screen.next += rendered.choices.length;
      if (screen.cards.length > LIVE_CARDS) screen.cards.splice(0, screen.cards.length - LIVE_CARDS);
    }
    return rendered.text;
  }

  /** The choice behind a number on `member`'s screen, and a way to retire its card. */
  find(member: string, number: number): { choice: TextChoice; retire: () => void } | undefined {
    const screen = this.screenOf(member);
    for (const card of screen.cards) {
      const choice = card.choices.find((c) => c.number === number);
      if (choice) return { choice, retire: () => (screen.cards = screen.cards.filter((c) => c !== card)) };
    }
    return undefined;
  }

  /** The numbers `member` can type now, for the "no such choice" message ("1–3, 7–8"). */
  ranges(member: string): string {
    const numbers = this.screenOf(member).cards.flatMap((card) => card.choices.map((c) => c.number)).sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < numbers.length; i++) {
      const start = numbers[i]!;
      while (i + 1 < numbers.length && numbers[i + 1] === numbers[i]! + 1) i++;
      parts.push(start === numbers[i] ? String(start) : `${start}–${numbers[i]}`);
    }
    return parts.join(", ");
  }
}
