// Shared by the browser tests: a real node on a fresh dev home (like
// tests/support/dev_node.h: `node init --dev`, api_listen 127.0.0.1:0, the
// port read from the log line), the CLI for set-up steps the portal does not
// cover (the registrar), and headless Debian chromium through playwright-core.
// Every wait is bounded; the node and the browser are stopped by cleanup().
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BINARY = process.env.JOBCARD_BINARY;
export const CHROMIUM = process.env.JOBCARD_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = process.env.JOBCARD_PORTAL_ARTIFACTS ?? path.join(tmpdir(), 'jobcard-portal-artifacts');
export const PASSPHRASE = 'devnet';
// Helper programs of tests/tools (ctest sets it; certify_next_block for the validator-change test).
export const TOOLS_DIR = process.env.JOBCARD_TOOLS_DIR;

if (!BINARY) throw new Error('set JOBCARD_BINARY to the jobcard executable (ctest does)');

export async function startDevNode() {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-node-'));
  const home = path.join(dir, 'devnet');
  execFileSync(BINARY, ['node', 'init', '--dev', '--home', home], { cwd: dir, stdio: 'pipe' });
  const configPath = path.join(home, 'node.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.api_listen = '127.0.0.1:0';
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  let child;
  let url;
  const start = async () => {
    child = spawn(BINARY, ['node', 'start', '--home', home], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    url = `http://127.0.0.1:${await listeningPort(child)}`;
  };
  const stopProcess = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => { child.on('exit', resolve); setTimeout(resolve, 10000); });
      child.kill('SIGTERM');
      await exited;
    }
  };
  await start();
  const genesis = JSON.parse(readFileSync(path.join(home, 'genesis.json'), 'utf8'));
  return {
    dir, home, genesis,
    // The API's URL: a restart listens on another port (port 0).
    get url() { return url; },
    employer: (i) => genesis.employers[i].id,
    employerKey: (i) => path.join(home, 'keys', `employer-${genesis.employers[i].id}.key`),
    // Runs a client command against this node with the dev passphrase; returns stdout.
    cli: (args) => execFileSync(BINARY, args[0] === 'key' ? args : [...args, '--node', url], {
      cwd: dir, env: { ...process.env, JOBCARD_PASSPHRASE: PASSPHRASE }, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60000,
    }).toString(),
    // Stops the node process (SIGTERM, as an operator would) and keeps its home; restart() starts it again.
    stopProcess,
    restart: start,
    stop: async () => {
      await stopProcess();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The port of the node's API, read from its log line (bounded in time).
async function listeningPort(child) {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not start listening:\n${output}`)), 60000);
    const onData = (data) => {
      output += data;
      const m = /api listening url=http:\/\/127\.0\.0\.1:([0-9]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the node exited (${code}):\n${output}`)));
  });
}

// A worker key file, enrolled by the dev registrar; returns {keyFile, subject}.
export function enrollWorker(node, name = 'worker') {
  const keyFile = path.join(node.dir, `${name}.key`);
  node.cli(['key', 'new', '--out', keyFile, '--label', `${name} career key`]);
  execFileSync(BINARY, ['registrar', 'enroll', '--my-number', '-', '--subject-key', keyFile, '--home', node.home,
    '--node', node.url], { cwd: node.dir, input: `${myNumberFor(name)}\n`, env: { ...process.env, JOBCARD_PASSPHRASE: PASSPHRASE },
    stdio: ['pipe', 'pipe', 'pipe'], timeout: 60000 });
  return { keyFile, subject: readFileSync(`${keyFile}.subject`, 'utf8').trim() };
}

// A valid My Number (check digit per spec/crypto.md §8) derived from a name.
export function myNumberFor(name) {
  let base = '';
  for (const c of name) base += (c.codePointAt(0) % 10).toString();
  base = (base + '12345678901').slice(0, 11);
  let sum = 0;
  for (let n = 1; n <= 11; ++n) sum += Number(base[11 - n]) * (n <= 6 ? n + 1 : n - 5);
  const r = sum % 11;
  return base + String(r <= 1 ? 0 : 11 - r);
}

// Headless chromium; the page fails the test on any console error or CSP
// violation (so a strict CSP that broke the app would show).
export async function openBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  page.setDefaultTimeout(30000);
  return { browser, page, problems };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Registers node:test hooks that start a dev node and a browser before the
// file's tests and stop both after; the returned object is filled in then:
// {node, page, problems}.
export function withNodeAndBrowser(before, after) {
  const session = {};
  before(async () => {
    session.node = await startDevNode();
    Object.assign(session, await openBrowser());
  });
  after(async () => {
    await session.browser?.close();
    await session.node?.stop();
  });
  return session;
}

// Opens a key file through a page's key form (key_loader.js) with the dev
// passphrase, by keyboard (Enter in the passphrase field), and waits for it.
export async function openKeyFile(page, prefix, file) {
  await page.locator(`#${prefix}-key-file`).setInputFiles(file);
  await page.locator(`#${prefix}-key-pass`).fill(PASSPHRASE);
  await page.locator(`#${prefix}-key-pass`).press('Enter');
  await page.locator(`#${prefix}-key-status.ok`).waitFor({ timeout: 60000 });
}
