/**
 * The redaction table: what is said, and what the transcript must say instead.
 * Rows without a placeholder are false-positive traps (prices, dates, times,
 * quantities, years, counting, "one or two"): they must come out unchanged.
 */
export interface RedactionRow {
  said: string;
  redacted: string;
}

const same = (said: string): RedactionRow => ({ said, redacted: said });

export const REDACTION_TABLE: RedactionRow[] = [
  // phone numbers in digits
  { said: "my number is 9876543210 okay", redacted: "my number is [PHONE ending 3210] okay" },
  { said: "call me on +91 98765 43210.", redacted: "call me on [PHONE ending 3210]." },
  { said: "it's 098765-43210, call anytime", redacted: "it's [PHONE ending 3210], call anytime" },
  { said: "office line (022) 2345 6789 please", redacted: "office line [PHONE ending 6789] please" },
  { said: "the landline is 2345 6789", redacted: "the landline is [PHONE ending 6789]" },
  { said: "US number 415-555-0132 works", redacted: "US number [PHONE ending 0132] works" },
  // phone numbers in words
  {
    said: "my number is nine eight seven six five, four three two one zero",
    redacted: "my number is [PHONE ending 3210]",
  },
  { said: "it is double nine eight seven six five four three two one", redacted: "it is [PHONE ending 4321]" },
  {
    said: "note it: nine eight seven oh six five four three two one thanks",
    redacted: "note it: [PHONE ending 4321] thanks",
  },
  { said: "plus nine one nine eight seven six five four three two one zero", redacted: "[PHONE ending 3210]" },
  {
    said: "ninety eight seventy six fifty four thirty two ten is my cell",
    redacted: "[PHONE ending 3210] is my cell",
  },
  {
    said: "mera number hai nau aath saat chhe paanch chaar teen do ek shunya",
    redacted: "mera number hai [PHONE ending 3210]",
  },
  {
    said: "haan likho, nau aath saat chhe paanch, chaar teen do ek shunya",
    redacted: "haan likho, [PHONE ending 3210]",
  },
  { said: "मेरा नंबर नौ आठ सात छह पांच चार तीन दो एक शून्य है", redacted: "मेरा नंबर [PHONE ending 3210] है" },
  { said: "number likh lo 98765 forty three two ten", redacted: "number likh lo [PHONE ending 3210]" },
  // e-mail addresses
  { said: "mail me at ravi.kumar@acme.com, thanks", redacted: "mail me at [EMAIL], thanks" },
  { said: "it's ravi dot kumar at acme dot com", redacted: "it's [EMAIL]" },
  { said: "send it to priya underscore s at gmail dot com please", redacted: "send it to [EMAIL] please" },
  { said: "email is ravi at the rate gmail dot com", redacted: "email is [EMAIL]" },
  { said: "write to sales at acme dot co dot in today", redacted: "write to [EMAIL] today" },
  { said: "r a v i at yahoo dot com", redacted: "[EMAIL]" },
  { said: "ravi123 at acme.com is fine", redacted: "[EMAIL] is fine" },
  // payment cards (Luhn-checked)
  {
    said: "card number 4111 1111 1111 1111 expiry next year",
    redacted: "card number [CARD ending 1111] expiry next year",
  },
  { said: "it's 4111111111111111.", redacted: "it's [CARD ending 1111]." },
  {
    said: "five five five five four four four four three three three three one one one one",
    redacted: "[CARD ending 1111]",
  },
  { said: "amex 3782 822463 10005", redacted: "amex [CARD ending 0005]" },
  // IBANs
  { said: "IBAN DE89 3704 0044 0532 0130 00 please", redacted: "IBAN [IBAN] please" },
  { said: "pay to GB82WEST12345698765432 today", redacted: "pay to [IBAN] today" },
  // one-time codes announced as such
  { said: "the OTP is 482916", redacted: "the OTP is [CODE]" },
  { said: "your verification code is four eight two nine one six", redacted: "your verification code is [CODE]" },
  { said: "OTP bata do, 4 8 2 9", redacted: "OTP bata do, [CODE]" },
  { said: "my PIN is 1234", redacted: "my PIN is [CODE]" },
  { said: "one time password 739201 hai", redacted: "one time password [CODE] hai" },
  // several in one sentence
  {
    said: "reach me at 9876543210 or ravi at acme dot com",
    redacted: "reach me at [PHONE ending 3210] or [EMAIL]",
  },
  // false-positive traps: prices
  same("it costs 4999 rupees"),
  same("the quote was $1,250,000 for the year"),
  same("we paid ₹ 25000 last month"),
  same("five lakh twenty thousand rupees is the budget"),
  same("price is 12.50 per unit"),
  same("the deal is worth 2500000 dollars"),
  // dates
  same("the deadline is 2026-05-29"),
  same("deliver by 29/05/2026 at the latest"),
  same("on the fifth of June twenty twenty six"),
  same("meeting on 15 March 2026"),
  // times
  same("let's meet at 10:30 tomorrow"),
  same("call me at ten thirty"),
  same("between 9 and 11 am"),
  // quantities
  same("we need 250 units by friday"),
  same("ship 1200 boxes and 300 pallets"),
  same("two hundred and fifty pieces"),
  same("order 5000 kg"),
  // years
  same("in 2025 and 2026 we grew"),
  same("since 1998 2004 and 2019"),
  same("twenty twenty five was hard"),
  // counting, small numbers
  same("one or two of them"),
  same("one two three four five six seven eight nine ten"),
  same("I'll do it in two or three days"),
  same("do you have a minute"),
  same("we sat down at 3"),
  same("oh no, not again"),
  // words that look like e-mail pieces
  same("meet me at acme dot com tomorrow"),
  same("look at this dot on the map"),
  same("I'm at home"),
  // numbers that are not personal data by shape
  same("the order 4521 7789 shipped"),
  same("invoice 88213 is paid"),
  same("the area code is 022"),
  same("room 404"),
  same("scores were 98 87 76 65 54 43"),
  same("the pin code is 560001"),
  same("kids aged 5 7 and 9"),
  same("version 2.0.1 is out"),
  same("1 2 3 4 5 6 7 8 9 10 11"),
  same("ek do teen char paanch chhe saat aath nau das"),
  same("abhi do minute ruko"),
  { said: "my number is 98 76 54 32 10", redacted: "my number is [PHONE ending 3210]" },
  { said: "call me, nine nine zero zero one, two three four five six", redacted: "call me, [PHONE ending 3456]" },
];
