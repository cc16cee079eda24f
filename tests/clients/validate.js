#!/usr/bin/env node
// Validates the client operation corpus against a GraphQL SDL.
//
//   NODE_PATH=<dir holding the graphql package> node tests/clients/validate.js SCHEMA.graphql [FILE.graphql...]
//
// With no files, every *.graphql next to this script is checked. Each file must parse,
// validate against the schema with graphql-js's standard rules, start with a comment that
// says what it reproduces, and name every operation (the end-to-end suite sends them by
// `operationName`). Exit status 1 on any problem.

"use strict";

const fs = require("fs");
const path = require("path");
const { buildSchema, getLocation, parse, validate, Source } = require("graphql");

function usage() {
  console.error("usage: node validate.js SCHEMA.graphql [FILE.graphql...]");
  process.exit(2);
}

const [schemaPath, ...given] = process.argv.slice(2);
if (!schemaPath) usage();

const schema = buildSchema(fs.readFileSync(schemaPath, "utf8"));
const files = given.length
  ? given
  : fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith(".graphql"))
      .sort()
      .map((f) => path.join(__dirname, f));

let problems = 0;
let operations = 0;

function report(file, message, loc) {
  problems += 1;
  const where = loc ? `${file}:${loc.line}:${loc.column}` : file;
  console.log(`${where}: ${message}`);
}

for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const name = path.relative(process.cwd(), file);
  if (!/^#/.test(text)) report(name, "the file must open with a comment saying which client behaviour it reproduces");
  let doc;
  try {
    doc = parse(new Source(text, name));
  } catch (e) {
    report(name, e.message, e.locations && e.locations[0]);
    continue;
  }
  const seen = new Set();
  for (const def of doc.definitions) {
    if (def.kind !== "OperationDefinition") continue;
    operations += 1;
    if (!def.name) {
      report(name, "anonymous operation: every operation must be named", locate(def));
    } else if (seen.has(def.name.value)) {
      report(name, `operation ${def.name.value} is defined twice`, locate(def));
    } else {
      seen.add(def.name.value);
    }
  }
  for (const err of validate(schema, doc)) {
    report(name, err.message, err.locations && err.locations[0]);
  }
}

function locate(node) {
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  return { line, column };
}

console.log(`${files.length} files, ${operations} operations, ${problems} problems (schema: ${schemaPath})`);
process.exit(problems ? 1 : 0);
