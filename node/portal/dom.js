// A tiny DOM builder: el('p', {class: 'x'}, 'text', child). Text is always
// set as text (never parsed as HTML), so ledger data cannot inject markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// node.replaceChildren, skipping absent children as el() does (replaceChildren
// would insert null or false as the text "null" / "false").
export function setChildren(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

export function short(hex, n = 8) {
  return hex && hex.length > 2 * n ? `${hex.slice(0, n)}…${hex.slice(-4)}` : hex;
}

// A labelled form control: the label's for= names the control's id.
export function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return el('div', { class: 'field' }, el('label', { for: id }, label), control,
    hint ? el('small', { id: `${id}-hint` }, hint) : null, el('span', { class: 'error', id: `${id}-error`, role: 'alert' }));
}

// Reads a File as text (the key file, a bundle).
export function readFileText(file) {
  return file.text();
}
