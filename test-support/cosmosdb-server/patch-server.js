#!/usr/bin/env node
// Fixes the pinned @vercel/cosmosdb-server 1.0.1 where it differs from Cosmos DB in a way our writers depend on.
// Run after `npm ci` in this directory: `node patch-server.js`. Idempotent: a file already patched is left as it is.
// Exits non-zero, naming the file, when the installed code is not the one this patch was written for.
//
// The fix: a point read of a document that does not exist (the Java SDK's readItem, and its readMany when one id
// falls in a partition key range) answers 500 "Cannot read properties of undefined (reading '<partition key>')":
// handler/read-document.js compares the stored document's partition key values before checking that there is a
// document. Cosmos DB answers 404 NotFound, as the server's own readOperation would a few lines later.
"use strict";

const fs = require("fs");
const path = require("path");

const MARKER = "iot-connect patch: missing document is 404";
const file = path.join(__dirname, "node_modules/@vercel/cosmosdb-server/lib/handler/read-document.js");
const anchor = "        const data = collection.document(docId, parsedPartitionKey).read();\n";
const insert = "        if (!data) { // " + MARKER + "\n"
    + "            res.statusCode = 404;\n"
    + "            return {\n"
    + "                code: \"NotFound\",\n"
    + "                message: \"Entity with the specified id does not exist in the system.,\"\n"
    + "            };\n"
    + "        }\n";

function fail(message) {
    console.error("patch-server.js: " + message);
    process.exit(1);
}

if (!fs.existsSync(file)) {
    fail(file + " does not exist; run npm ci in " + __dirname + " first");
}
const source = fs.readFileSync(file, "utf8");
if (source.includes(MARKER)) {
    process.exit(0);
}
const at = source.indexOf(anchor);
if (at < 0 || source.indexOf(anchor, at + 1) >= 0) {
    fail(file + " is not the @vercel/cosmosdb-server 1.0.1 code this patch fixes (its point read changed); "
        + "check whether a missing document still answers 500, and update or drop the patch");
}
const patched = source.slice(0, at + anchor.length) + insert + source.slice(at + anchor.length);
fs.writeFileSync(file, patched);
if (!fs.readFileSync(file, "utf8").includes(MARKER)) {
    fail("writing " + file + " did not take");
}
console.log("patch-server.js: patched " + path.relative(__dirname, file) + " (a missing document is 404)");
