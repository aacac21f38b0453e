// Batch front end for the npm package `ssml-check` (gsdriver/ssml-check), an SSML validator no one here wrote.
// stdin:  a JSON array of SSML strings.
// stdout: a JSON array, one entry per input: null when ssml-check found nothing, else its error objects.
//
// Known gaps of ssml-check 0.4.6 (covered by our own checks in speech_testing.py):
//   - it accepts any <say-as interpret-as="..."> value, even made-up ones;
//   - it has no length limit (Alexa refuses outputSpeech of 8,000 characters or more);
//   - it accepts control characters such as U+0001 that XML 1.0 forbids.
"use strict";
const ssmlCheck = require("ssml-check");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const locale = process.env.SSML_CHECK_LOCALE || "en-US";
  const results = [];
  for (const ssml of items) {
    const errors = await ssmlCheck.check(ssml, { platform: "amazon", locale });
    results.push(errors && errors.length ? errors : null);
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
