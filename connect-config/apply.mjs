#!/usr/bin/env node
// Validates connector configs against a Kafka Connect worker (PUT /connector-plugins/<class>/config/validate) and
// applies the valid ones (PUT /connectors/<name>/config). Prints every validation error under its key.
// Node 18+ (built-in fetch), no dependencies.
//
//   node apply.mjs [--url http://127.0.0.1:8083] [--set key=value]... [--validate-only] [--wait SECONDS]
//                  [--wait-running SECONDS] file.json...
//
// Each file holds {"name": ..., "config": {...}} as the REST API takes it. --set overrides a config key in every file
// that has it (for example the broker URI of an environment); a --set that no file has is a usage error. Exit status: 0 when every file was valid (and applied), 1 otherwise,
// 2 on bad usage or an unreachable worker.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

function usage(message) {
  if (message) console.error(`apply.mjs: ${message}`);
  console.error('usage: node apply.mjs [--url URL] [--set key=value]... [--validate-only] [--wait S] [--wait-running S] file.json...');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { url: process.env.CONNECT_URL || 'http://127.0.0.1:8083', overrides: {}, validateOnly: false, wait: 0, waitRunning: 0, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--url') options.url = next().replace(/\/+$/, '');
    else if (arg === '--set') {
      const pair = next();
      const eq = pair.indexOf('=');
      if (eq <= 0) usage(`--set takes key=value, got '${pair}'`);
      options.overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--validate-only') options.validateOnly = true;
    else if (arg === '--wait') options.wait = Number(next());
    else if (arg === '--wait-running') options.waitRunning = Number(next());
    else if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) usage('no connector file given');
  return options;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: response.status, json, text };
}

async function waitForWorker(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const { status } = await request('GET', `${url}/`);
      if (status === 200) return;
    } catch { /* not up yet */ }
    if (Date.now() >= deadline) {
      console.error(`apply.mjs: no Kafka Connect worker answers at ${url}`);
      process.exit(2);
    }
    await sleep(1000);
  }
}

function load(file, overrides) {
  let spec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a readable JSON file: ${e.message}`);
  }
  if (!spec || typeof spec.name !== 'string' || typeof spec.config !== 'object') {
    throw new Error(`${file}: expected {"name": "...", "config": {...}}`);
  }
  const config = { ...spec.config, name: spec.name };
  for (const [key, value] of Object.entries(overrides)) {
    if (key in spec.config) config[key] = value;
  }
  if (!config['connector.class']) throw new Error(`${file}: config has no connector.class`);
  return { name: spec.name, config };
}

async function validate(url, { name, config }) {
  const pluginClass = config['connector.class'];
  const { status, json, text } = await request('PUT', `${url}/connector-plugins/${encodeURIComponent(pluginClass)}/config/validate`, config);
  if (status !== 200) {
    return [`(worker) validation request failed with HTTP ${status}: ${json?.message ?? text}`];
  }
  const errors = [];
  for (const entry of json.configs ?? []) {
    for (const error of entry.value?.errors ?? []) {
      errors.push(`${entry.value.name}: ${error}`);
    }
  }
  return errors;
}

async function apply(url, { name, config }) {
  const { status, json, text } = await request('PUT', `${url}/connectors/${encodeURIComponent(name)}/config`, config);
  if (status === 201) return 'created';
  if (status === 200) return 'updated';
  throw new Error(`PUT /connectors/${name}/config failed with HTTP ${status}: ${json?.message ?? text}`);
}

async function waitRunning(url, name, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no status yet';
  while (Date.now() < deadline) {
    const info = await request('GET', `${url}/connectors/${encodeURIComponent(name)}`);
    const expectedTasks = info.status === 200 ? (info.json.tasks ?? []).length : 0;
    const { status, json } = await request('GET', `${url}/connectors/${encodeURIComponent(name)}/status`);
    if (status === 200) {
      const tasks = json.tasks ?? [];
      last = `connector ${json.connector?.state}, tasks [${tasks.map((t) => `${t.id}:${t.state}`).join(', ')}]`;
      const failed = tasks.find((t) => t.state === 'FAILED');
      if (json.connector?.state === 'FAILED' || failed) {
        throw new Error(`${name} failed: ${(failed ?? json.connector).trace?.split('\n')[0] ?? last}`);
      }
      // Running means: the connector, and as many running tasks as it has task configs.
      if (json.connector?.state === 'RUNNING' && expectedTasks > 0 && tasks.length === expectedTasks
          && tasks.every((t) => t.state === 'RUNNING')) return last;
    }
    await sleep(500);
  }
  throw new Error(`${name} is not running after ${seconds} s: ${last}`);
}

function checkOverrides(files, overrides) {
  const present = new Set();
  for (const file of files) {
    try {
      Object.keys(JSON.parse(readFileSync(file, 'utf8')).config || {}).forEach((key) => present.add(key));
    } catch (e) {
      // reported per file later
    }
  }
  for (const key of Object.keys(overrides)) {
    if (!present.has(key)) usage(`--set ${key}: no config file has this key`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  checkOverrides(options.files, options.overrides);
  await waitForWorker(options.url, options.wait);
  let failures = 0;
  for (const file of options.files) {
    let spec;
    try {
      spec = load(file, options.overrides);
    } catch (e) {
      console.error(`✗ ${e.message}`);
      failures++;
      continue;
    }
    const errors = await validate(options.url, spec);
    if (errors.length > 0) {
      console.error(`✗ ${spec.name} (${basename(file)}): ${errors.length} invalid setting(s)`);
      for (const error of errors) console.error(`    ${error}`);
      failures++;
      continue;
    }
    if (options.validateOnly) {
      console.log(`✓ ${spec.name} (${basename(file)}) is valid`);
      continue;
    }
    try {
      const outcome = await apply(options.url, spec);
      console.log(`✓ ${spec.name} (${basename(file)}) ${outcome}`);
      if (options.waitRunning > 0) {
        console.log(`  ${await waitRunning(options.url, spec.name, options.waitRunning)}`);
      }
    } catch (e) {
      console.error(`✗ ${e.message}`);
      failures++;
    }
  }
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`apply.mjs: ${e.message}`);
  process.exit(2);
});
