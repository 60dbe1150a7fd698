#!/usr/bin/env node
// Validates connector configs against a Kafka Connect worker (PUT /connector-plugins/<class>/config/validate) and
// applies the valid ones (PUT /connectors/<name>/config). Prints every validation error under its key.
// Node 18+ (built-in fetch), no dependencies.
//
//   node apply.mjs [--url http://127.0.0.1:8083] [--set key=value]... [--avro REGISTRY_URL] [--validate-only]
//                  [--wait SECONDS] [--wait-running SECONDS] file.json...
//
// Each file holds {"name": ..., "config": {...}} as the REST API takes it. --set overrides a config key in every file
// that has it (for example the broker URI of an environment); a --set that no file has is a usage error. --avro
// switches every config to Avro with a schema registry (Apicurio Registry's v2 API, like
// http://registry:8080/apis/registry/v2): the keys below are added before the --set overrides, so --set can change
// them too; an empty URL leaves the files' converters as they are. Exit status: 0 when every file was valid (and
// applied), 1 otherwise, 2 on bad usage, an unreachable worker or registry, or a worker that refuses the login.
//
// A worker whose REST API takes basic authentication (Kafka's BasicAuthSecurityRestExtension) gets the user and
// password of CONNECT_USERNAME and CONNECT_PASSWORD in the environment: never options, which any user of the machine
// can read in the process list, and never inside --url. They are sent to the worker only, not to the registry.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// --avro: the value converter of every config, Apicurio's AvroConverter writing Confluent's wire format (magic byte 0,
// then the 4-byte id of the schema), so Confluent's deserializers and tools read the records too. Registers new
// schemas itself; headers.enabled=false because inside a worker it would otherwise put the id in a record header and
// write the value unframed. These are the keys MqttSourceAvroIT runs on a worker.
// Apicurio's AvroConverter, retrying a schema registration that lost a race with another task (local-stack/avro-converter,
// installed beside Apicurio's converter in the same plugin directory).
const AVRO_CONVERTER_CLASS = 'io.iotconnect.avro.RetryingAvroConverter';
const avroConverterKeys = (registryUrl) => ({
  'value.converter': AVRO_CONVERTER_CLASS,
  'value.converter.apicurio.registry.url': registryUrl,
  'value.converter.apicurio.registry.auto-register': 'true',
  'value.converter.apicurio.registry.as-confluent': 'true',
  'value.converter.apicurio.registry.use-id': 'contentId',
  'value.converter.apicurio.registry.headers.enabled': 'false',
});
// Keys the Avro converter does not take, removed with --avro.
const JSON_CONVERTER_ONLY_KEYS = ['value.converter.schemas.enable'];

// --avro: what the source connectors also get, so that the schemas they infer from JSON suit a registry: field names
// Avro accepts, records named after the topic (a nested record after its field path), one schema lineage per topic,
// and every number a float64, so a reading sent as 21 and then as 21.5 keeps its schema. Each key is written with
// the source's own prefix (mqtt., iothub.). Adjust this table when the sources' keys change.
const AVRO_SOURCE_SCHEMA_KEYS = {
  'value.json.field.names': 'avro',
  'value.json.schema.name': 'io.iotconnect.${topic}',
  'value.json.schema.scope': 'topic',
  'value.json.number.mode': 'float64',
};
// --avro: Connect's own error keys on the source connectors, written as they are. A schema the registry refuses fails
// the converter, and Connect has no dead letter queue for sources: with these the record is skipped, counted in the
// task's total-records-skipped metric and logged with the registry's answer, and the task goes on (the MQTT message is
// acknowledged; the IoT Hub source's next record commits past its offset). Without them the first refusal fails the task.
const AVRO_SOURCE_ERROR_KEYS = {
  'errors.tolerance': 'all',
  'errors.log.enable': 'true',
};
// The source connector classes, as the JSON files name them, and the prefix of their keys.
const SOURCE_KEY_PREFIXES = {
  'io.iotconnect.mqtt.MqttSourceConnector': 'mqtt.',
  'io.iotconnect.iothub.IotHubSourceConnector': 'iothub.',
};

function usage(message) {
  if (message) console.error(`apply.mjs: ${message}`);
  console.error('usage: node apply.mjs [--url URL] [--set key=value]... [--avro REGISTRY_URL] [--validate-only] [--wait S] '
    + '[--wait-running S] file.json...');
  process.exit(2);
}

// A URL with user:password@ in it would put the password in the process list and in error messages (and Node's fetch
// refuses it anyway): refused without repeating the URL.
function refuseCredentialsIn(option, url) {
  let parsed;
  try { parsed = new URL(url); } catch { return; }
  if (parsed.username || parsed.password) {
    usage(`${option} must not carry a user or password; set CONNECT_USERNAME and CONNECT_PASSWORD in the environment instead`);
  }
}

// The Authorization header for the worker, from the environment; undefined when neither variable is set.
function workerAuthorization() {
  const username = process.env.CONNECT_USERNAME ?? '';
  const password = process.env.CONNECT_PASSWORD ?? '';
  if (!username && !password) return undefined;
  if (!username || !password) usage('set both CONNECT_USERNAME and CONNECT_PASSWORD, or neither');
  if (username.includes(':')) usage('CONNECT_USERNAME cannot contain \':\' (HTTP basic authentication)');
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function parseArgs(argv) {
  const options = {
    url: process.env.CONNECT_URL || 'http://127.0.0.1:8083', overrides: {}, avro: '', validateOnly: false, wait: 0, waitRunning: 0,
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--url') options.url = next().replace(/\/+$/, '');
    else if (arg === '--set') {
      const pair = next();
      const eq = pair.indexOf('=');
      if (eq <= 0) usage(`--set takes key=value, got '${pair}'`);
      options.overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--avro') {
      options.avro = next().trim().replace(/\/+$/, '');
      if (options.avro && !/^https?:\/\/[^/]/.test(options.avro)) usage(`--avro takes the registry's http(s) URL, got '${options.avro}'`);
    } else if (arg === '--validate-only') options.validateOnly = true;
    else if (arg === '--wait') options.wait = Number(next());
    else if (arg === '--wait-running') options.waitRunning = Number(next());
    else if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) usage('no connector file given');
  refuseCredentialsIn('--url', options.url);
  if (options.avro) refuseCredentialsIn('--avro', options.avro);
  return options;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(method, url, body, extraHeaders = {}) {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: response.status, json, text };
}

// Set once in main(), from the environment.
let authorization;

class Refused extends Error {}

// A request to the worker, logged in when credentials are set. A worker that refuses (401, 403) ends the run with 2:
// every later request would be refused too.
async function worker(method, url, body) {
  const response = await request(method, url, body, authorization ? { Authorization: authorization } : {});
  if (response.status === 401 || response.status === 403) {
    const { origin, pathname } = new URL(url);
    throw new Refused(authorization
      ? `the Kafka Connect worker at ${origin} refused the user in CONNECT_USERNAME with the password in CONNECT_PASSWORD `
        + `(HTTP ${response.status} for ${method} ${pathname}); check both`
      : `the Kafka Connect worker at ${origin} requires a login (HTTP ${response.status}): set CONNECT_USERNAME and `
        + 'CONNECT_PASSWORD in the environment');
  }
  return response;
}

async function waitForWorker(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const { status } = await worker('GET', `${url}/`);
      if (status === 200) return;
    } catch (e) {
      if (e instanceof Refused) throw e;
      /* not up yet */
    }
    if (Date.now() >= deadline) {
      console.error(`apply.mjs: no Kafka Connect worker answers at ${url}`);
      process.exit(2);
    }
    await sleep(1000);
  }
}

/**
 * A file's config as --avro makes it: the Avro converter's keys on every connector, the JSON converter's own keys gone,
 * and on a source connector the schema keys of AVRO_SOURCE_SCHEMA_KEYS under its prefix and AVRO_SOURCE_ERROR_KEYS.
 * Unchanged without --avro.
 */
function withAvro(config, registryUrl) {
  if (!registryUrl) return { ...config };
  const result = { ...config, ...avroConverterKeys(registryUrl) };
  for (const key of JSON_CONVERTER_ONLY_KEYS) delete result[key];
  const prefix = SOURCE_KEY_PREFIXES[config['connector.class']];
  if (prefix) {
    for (const [key, value] of Object.entries(AVRO_SOURCE_SCHEMA_KEYS)) result[prefix + key] = value;
    Object.assign(result, AVRO_SOURCE_ERROR_KEYS);
  }
  return result;
}

function load(file, overrides, registryUrl) {
  let spec;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a readable JSON file: ${e.message}`);
  }
  if (!spec || typeof spec.name !== 'string' || typeof spec.config !== 'object') {
    throw new Error(`${file}: expected {"name": "...", "config": {...}}`);
  }
  const base = withAvro(spec.config, registryUrl);
  const config = { ...base, name: spec.name };
  for (const [key, value] of Object.entries(overrides)) {
    if (key in base) config[key] = value;
  }
  if (!config['connector.class']) throw new Error(`${file}: config has no connector.class`);
  return { name: spec.name, config };
}

async function validate(url, { name, config }) {
  const pluginClass = config['connector.class'];
  const { status, json, text } = await worker('PUT', `${url}/connector-plugins/${encodeURIComponent(pluginClass)}/config/validate`, config);
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
  const { status, json, text } = await worker('PUT', `${url}/connectors/${encodeURIComponent(name)}/config`, config);
  if (status === 201) return 'created';
  if (status === 200) return 'updated';
  throw new Error(`PUT /connectors/${name}/config failed with HTTP ${status}: ${json?.message ?? text}`);
}

async function waitRunning(url, name, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no status yet';
  while (Date.now() < deadline) {
    const info = await worker('GET', `${url}/connectors/${encodeURIComponent(name)}`);
    const expectedTasks = info.status === 200 ? (info.json.tasks ?? []).length : 0;
    const { status, json } = await worker('GET', `${url}/connectors/${encodeURIComponent(name)}/status`);
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

function checkOverrides(files, overrides, registryUrl) {
  const present = new Set();
  for (const file of files) {
    try {
      Object.keys(withAvro(JSON.parse(readFileSync(file, 'utf8')).config || {}, registryUrl)).forEach((key) => present.add(key));
    } catch (e) {
      // reported per file later
    }
  }
  for (const key of Object.keys(overrides)) {
    if (!present.has(key)) usage(`--set ${key}: no config file has this key${registryUrl ? ' (nor does --avro add it)' : ''}`);
  }
}

/**
 * With --avro: waits (as long as --wait allows, one try at least) until Apicurio Registry's API answers at the URL the
 * converters will use, so that a wrong URL is reported now and not as a failed task at the first record.
 */
async function waitForRegistry(registryUrl, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    let last;
    try {
      const { status, text } = await request('GET', `${registryUrl}/system/info`);
      if (status === 200) return;
      if (status === 404) {
        console.error(`apply.mjs: ${registryUrl} is not Apicurio Registry's v2 API (GET ${registryUrl}/system/info answered 404); `
          + '--avro takes a URL like http://registry:8080/apis/registry/v2');
        process.exit(2);
      }
      last = `HTTP ${status}: ${text.slice(0, 200)}`;
    } catch (e) {
      last = e.cause?.code ?? e.cause?.message ?? e.message;
    }
    if (Date.now() >= deadline) {
      console.error(`apply.mjs: no schema registry answers at ${registryUrl} (${last})`);
      process.exit(2);
    }
    await sleep(1000);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  authorization = workerAuthorization();
  checkOverrides(options.files, options.overrides, options.avro);
  await waitForWorker(options.url, options.wait);
  if (options.avro) {
    await waitForRegistry(options.avro, options.wait);
    console.log(`Avro: every value converter is ${AVRO_CONVERTER_CLASS} (Confluent wire format) on ${options.avro}`);
  }
  let failures = 0;
  for (const file of options.files) {
    let spec;
    try {
      spec = load(file, options.overrides, options.avro);
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
      if (e instanceof Refused) throw e;
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
