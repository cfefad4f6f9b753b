import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

/**
 * How guessable a new password is, estimated by zxcvbn-ts (dictionaries of
 * common passwords, names and words; keyboard walks, repeats, sequences,
 * dates, l33t). Length alone let `aaaaaaaaaaaa` through (issue #9).
 *
 * Score 3 of 4 means at least 10^8 guesses: an online attacker held to 10
 * per 15 minutes per address never gets there, and an offline one paying
 * 32 MiB of scrypt per guess (password.ts) needs years per leaked hash.
 * Score 4 (10^10) would refuse passphrases people actually remember.
 */
export const MIN_STRENGTH_SCORE = 3;

/** zxcvbn's matching grows with length; its authors cut input at 100 characters, and a strong 100-character prefix is a strong password. */
const CHECKED_CHARS = 100;

/** Why, in words, for each of zxcvbn's warning keys (the library ships keys; its English text is a separate package). */
const WARNINGS: Record<string, string> = {
  straightRow: "it is a straight row of keys",
  keyPattern: "it is a short keyboard pattern",
  simpleRepeat: "it repeats a character (like aaa)",
  extendedRepeat: "it repeats a pattern of characters (like abcabc)",
  sequences: "it is a common character sequence (like abc or 1234)",
  recentYears: "it holds a recent year",
  dates: "it holds a date",
  topTen: "it is one of the ten most used passwords",
  topHundred: "it is one of the hundred most used passwords",
  common: "it is a common password",
  similarToCommon: "it is a common password with small changes",
  wordByItself: "it is a single word",
  namesByThemselves: "it is a name or surname on its own",
  commonNames: "it is built on common names",
  userInputs: "it is built on the account's email or name",
  pwned: "it appeared in a data breach",
};

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  // Built on first use: the dictionaries take ~50 ms to index, and most processes never set a password.
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return factory;
}

/**
 * Why the password is too easy to guess, or undefined when it is strong
 * enough. `related` holds what an attacker tries first for this account
 * (its email, the local part, the name).
 */
export function strengthProblem(password: string, related: readonly string[] = []): string | undefined {
  const inputs = related.flatMap((r) => [r, r.split("@")[0] ?? ""]).filter((r) => r !== "");
  const result = estimator().check(password.slice(0, CHECKED_CHARS), inputs);
  if (result.score >= MIN_STRENGTH_SCORE) return undefined;
  const why = (result.feedback.warning ? WARNINGS[result.feedback.warning] : undefined) ?? "it follows a predictable pattern";
  return (
    `the password is too easy to guess: ${why} (about 10^${Math.floor(result.guessesLog10)} guesses; at least 10^8 needed). ` +
    "Use three or four unrelated words, or a password manager's random password"
  );
}
