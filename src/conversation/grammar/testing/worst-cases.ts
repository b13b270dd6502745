// Command texts built to make the parser work hardest at a given length, shared by the parse
// benchmark (bench/parse.ts) and the linear-time test (../linear.test.ts). Each targets one
// thing that was or could be superlinear: a typed-value probe on every token (amount, date,
// severity), a long run a regex backtracks over, the "did you mean" edit distance, quote and
// mention scanning that searches to the end of the text for each opener.

/** [name, text] pairs, each exactly `length` characters long. */
export function worstCaseCommands(length: number): [string, string][] {
  const fill = (head: string, unit: string) => {
    let text = head;
    while (text.length + unit.length <= length) text += unit;
    return (text + "x".repeat(length)).slice(0, length);
  };
  return [
    ["amount probe on one long digit run", fill("hospitality acme ", "1")],
    ["amount probe on digits and commas", fill("hospitality acme ", "1,")],
    ["amount probe on thousands of tokens", fill("hospitality ", "1,2x ")],
    ["severity probe on thousands of tokens", fill("complaint ", "ab ")],
    ["date probe on thousands of tokens", fill("callback acme ", "12/1x ")],
    ["unknown command (did you mean)", fill("", "custmer")],
    ["unknown long setting key", fill("admin settings ", "tiers.callbackCadenceDays.")],
    ["unclosed quotes", fill("customer ", "‘a ")],
    ["unclosed mention brackets", fill("customer ", "<@ ")],
    ["glued Chinese keyword", fill("客户", "华为")],
    ["long quoted name", fill('customer "', "华")],
    ["multi-line description", fill("complaint acme high ", "设备故障\n")],
  ];
}
