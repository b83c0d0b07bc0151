// libsodium.js (libsodium-wrappers-sumo from npm, served by the node under
// /portal/vendor/): the page loads it as classic scripts, which set
// globalThis.sodium; the node tests set the same global from the package.
export async function loadSodium() {
  const sodium = globalThis.sodium;
  if (!sodium) throw new Error('libsodium.js is not loaded');
  await sodium.ready;
  return sodium;
}
