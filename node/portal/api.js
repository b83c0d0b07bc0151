// The node's JSON API (spec/api.yaml), from the same origin that served the page.
import { parseLedgerJson } from './bytes.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function parse(response) {
  const text = await response.text();
  let body;
  try {
    body = parseLedgerJson(text);
  } catch {
    throw new ApiError(response.status, 'api.bad_response', `the node answered ${response.status} without JSON`);
  }
  return body;
}

// The parsed body; throws ApiError unless 2xx (or one of `accept`).
export async function getJson(path, { accept = [] } = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await parse(response);
  if (!response.ok && !accept.includes(response.status)) throw new ApiError(response.status, body.code, body.message);
  return { status: response.status, body };
}

export async function postJson(path, value) {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value),
  });
  const body = await parse(response);
  if (!response.ok) throw new ApiError(response.status, body.code, body.message);
  return body;
}

// Polls /v1/txs/{id} until committed or rejected (at most `timeoutMs`).
export async function waitForTx(id, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await getJson(`/v1/txs/${id}`, { accept: [404] });
    if (body.status === 'committed' || body.status === 'rejected') return body;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { id, status: 'pending' };
}
