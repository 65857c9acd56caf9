// DOM helpers that only ever set text: data is never parsed as markup.

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** The element with this id. */
export function byId(id) {
  return document.getElementById(id);
}

/** Shows or hides an element. */
export function show(element, visible) {
  element.hidden = !visible;
}

/** Sets an element's text (empty for null). */
export function setText(element, value) {
  element.textContent = value === null || value === undefined ? '' : String(value);
}

/** A point in time as the reader's clock shows it, or an empty string. */
export function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}
