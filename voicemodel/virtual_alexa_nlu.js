// Resolves utterances with virtual-alexa's own matcher (an independent Alexa emulator no one here
// wrote), over one interaction model, without a skill: it measures understanding only.
//
// Usage: node voicemodel/virtual_alexa_nlu.js <model.json> <locale> < utterances.json
// Prints one JSON line per utterance: {"say", "intent", "slots": {name: {"value", "ids"}}} where
// "ids" are virtual-alexa's entity-resolution ids (ER_SUCCESS_MATCH values, in its order) and
// "intent" is null when nothing in the model matches literally (a device would then say Fallback).
//
// The utterance goes straight to virtual-alexa's matcher (virtual-core's Utterance), as
// VirtualAlexa.utter does after its launch-phrase check: that check takes any sentence containing
// "ask", "tell" or "open" for a launch ("tell me about a Baker's cyst"), which a device does not.
"use strict";
const fs = require("fs");
const va = require("virtual-alexa");
const core = require("virtual-core");
const { SkillRequest } = require("virtual-alexa/lib/src/core/SkillRequest");

// virtual-core tries every sample against every utterance, most of its time on a model of
// thousands of samples: skip the samples that cannot match (what it matches is unchanged).
require("./virtual_alexa_speed").speedUp();

// virtual-alexa's AMAZON.NUMBER knows digits and the words one to twenty only; Alexa's knows every
// number ("forty two" arrives as 42). Teach the emulator the spoken numbers up to 120, nothing else.
const UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
function spoken(n) {
  if (n < 100) return (TENS[Math.floor(n / 10)] + " " + UNITS[n % 10]).trim();
  return ("one hundred " + (n % 100 ? "and " + spoken(n % 100) : "")).trim();
}
function teachNumbers(alexa) {
  const number = alexa.context().interactionModel().slotTypes.slotType("AMAZON.NUMBER");
  for (let n = 21; n <= 120; n++) {
    number.values.push({ id: String(n), builtin: true, name: { value: String(n), synonyms: [spoken(n)] } });
  }
}

function main() {
  const [modelFile, locale] = process.argv.slice(2);
  const utterances = JSON.parse(fs.readFileSync(0, "utf8"));
  const alexa = va.VirtualAlexa.Builder()
    .interactionModelFile(modelFile)
    .skillURL("http://127.0.0.1:9/")
    .applicationID("amzn1.ask.skill.measure")
    .locale(locale)
    .create();
  teachNumbers(alexa);
  for (const say of utterances) {
    alexa.context().dialogManager().reset();
    const utterance = new core.Utterance(alexa.context().interactionModel(), say.replace(/[,.!?]/g, " ").replace(/\s+/g, " ").trim());
    const out = { say, intent: null, slots: {} };
    if (utterance.matched()) {
      out.intent = utterance.intent();
      try {
        const request = new SkillRequest(alexa).intent(out.intent).slots(utterance.toJSON());
        const slots = request.json().request.intent.slots || {};
        for (const name of Object.keys(slots)) {
          const slot = slots[name];
          if (!slot || slot.value === undefined) continue;
          const ids = [];
          const authorities = (slot.resolutions && slot.resolutions.resolutionsPerAuthority) || [];
          for (const authority of authorities) {
            if (authority.status && authority.status.code === "ER_SUCCESS_MATCH") {
              for (const value of authority.values || []) ids.push(value.value.id);
            }
          }
          out.slots[name] = { value: slot.value, ids };
        }
      } catch (error) {
        out.error = String(error && error.message ? error.message : error);
      }
    }
    console.log(JSON.stringify(out));
  }
}

main();
