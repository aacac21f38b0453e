// Drives the local Knee Helper server with virtual-alexa, an independent Alexa emulator no one here
// wrote. It resolves utterances with its own matcher over the skill's interaction model (literal:
// real Alexa NLU is more forgiving) and posts real request envelopes to the server over HTTP.
//
// Usage: node virtual_alexa_driver.js <model.json> <url> <skill id> <locale> < utterances.json
// Prints one JSON line per turn: {"utterance", "intent", "ssml", "end", "slots", "dialogState",
// "directives"} (slots as heard; directives as type, slotToElicit and the updated intent's name).
"use strict";
const fs = require("fs");
const va = require("virtual-alexa");
// Its matcher unchanged, only quicker: samples that cannot match an utterance are not tried.
require("../../voicemodel/virtual_alexa_speed").speedUp();

async function main() {
  const [modelFile, url, skillId, locale] = process.argv.slice(2);
  const utterances = JSON.parse(fs.readFileSync(0, "utf8"));
  const alexa = va.VirtualAlexa.Builder()
    .interactionModelFile(modelFile)
    .skillURL(url)
    .applicationID(skillId)
    .locale(locale)
    .create();
  let intent = null;
  let slots = {};
  let dialogState = null;
  alexa.filter((request) => {
    intent = request.request.intent ? request.request.intent.name : request.request.type;
    slots = {};
    for (const [name, slot] of Object.entries((request.request.intent && request.request.intent.slots) || {})) {
      if (slot && slot.value !== undefined) slots[name] = slot.value;
    }
    dialogState = request.request.dialogState || null;
  });
  for (const utterance of utterances) {
    const reply = utterance === "<launch>" ? await alexa.launch() : await alexa.utter(utterance);
    const response = reply.response || {};
    console.log(JSON.stringify({
      utterance,
      intent,
      ssml: response.outputSpeech ? response.outputSpeech.ssml : "",
      end: response.shouldEndSession === true,
      slots,
      dialogState,
      directives: (response.directives || []).map((d) => ({ type: d.type, slotToElicit: d.slotToElicit, intent: d.updatedIntent ? d.updatedIntent.name : null })),
    }));
  }
}

main().catch((error) => {
  console.error(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
