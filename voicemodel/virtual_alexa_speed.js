// Makes virtual-alexa's matcher (virtual-core) quicker on a model of thousands of samples without
// changing what it matches: it tries every sample against every utterance, building each sample's
// RegExp anew and cleaning the utterance anew each time (most of its time).
//
// - Each sample's pattern is built once: it has no "g" flag, so it keeps no state between matches.
// - A sample whose literal words before its first slot (or after its last) the utterance does not
//   start (or end) with cannot match, so it is not tried. The pattern is "^...$" with the "i" flag
//   and no "u" flag: under it an ASCII character matches only itself in either case, so comparing
//   the lower-cased ends is exact. A sample whose ends hold a pattern character is always tried.
//
// Usage: require("./virtual_alexa_speed").speedUp() before the first utterance.
"use strict";
const { SamplePhrase } = require("virtual-core/lib/src/SampleUtterances");

// The characters virtual-core's SamplePhraseTest strips from an utterance before matching.
const STRIPPED = /[\!\"\¿\?|\#\$\%\/\(\)\=\+\-\_\<\>\*\{\}\·\¡\[\]\.\,\;\:]/g;
const SLOT = "(.*)";
const LITERAL = /^[a-z0-9' ]*$/;
const NEVER = { matches: () => false };

function ends(sample) {
  if (sample._ends === undefined) {
    const source = sample._regex;
    const first = source.indexOf(SLOT);
    const head = (first === -1 ? source : source.substring(0, first)).toLowerCase();
    const tail = first === -1 ? "" : source.substring(source.lastIndexOf(SLOT) + SLOT.length).toLowerCase();
    sample._ends = {
      head: LITERAL.test(head) ? head : "",
      tail: LITERAL.test(tail) ? tail : "",
      whole: first === -1 && LITERAL.test(head),
    };
  }
  return sample._ends;
}

let cleaned = { utterance: null, text: "" };

function clean(utterance) {
  if (cleaned.utterance !== utterance) cleaned = { utterance, text: utterance.replace(STRIPPED, "") };
  return cleaned.text;
}

function couldMatch(sample, utterance) {
  const { head, tail, whole } = ends(sample);
  const text = clean(utterance);
  if (whole) return text.length === head.length && text.toLowerCase() === head;
  if (head && text.substring(0, head.length).toLowerCase() !== head) return false;
  if (tail && (text.length < tail.length || text.substring(text.length - tail.length).toLowerCase() !== tail)) {
    return false;
  }
  return true;
}

function speedUp() {
  const buildRegex = SamplePhrase.prototype.regex;
  SamplePhrase.prototype.regex = function () {
    if (this._compiled === undefined) this._compiled = buildRegex.call(this);
    return this._compiled;
  };
  const matchesUtterance = SamplePhrase.prototype.matchesUtterance;
  SamplePhrase.prototype.matchesUtterance = function (utterance) {
    return couldMatch(this, utterance) ? matchesUtterance.call(this, utterance) : NEVER;
  };
}

module.exports = { speedUp };
