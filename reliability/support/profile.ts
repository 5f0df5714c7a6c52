/**
 * RELIABILITY_PROFILE=short is the CI form (the whole suite in about three
 * minutes on two cores); anything else is the long form for humans.
 */
export const SHORT = process.env.RELIABILITY_PROFILE === "short";

export const profile = SHORT
  ? { name: "short", crashCalls: 12, crashKills: 3, loadUploads: 50, loadPollSeconds: 15 }
  : { name: "long", crashCalls: 50, crashKills: 6, loadUploads: 200, loadPollSeconds: 60 };

/** A uniformly random integer in [min, max]. */
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
