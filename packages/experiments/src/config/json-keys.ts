/** JSON.parse keeps the last of duplicate keys silently; a configuration file must not (which one did the user mean?). */

/** The first duplicate key of any object in valid JSON `text`, as a path (e.g. `schedule.gamma`), or null. */
export function firstDuplicateKey(text: string): string | null {
  // Stack of open containers: a Set of keys for an object, null for an array; `path` names them.
  const stack: (Set<string> | null)[] = [];
  const path: string[] = [];
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return [...path, key].join('.');
        top.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      if (stack.length) path.push(stack[stack.length - 1] ? lastKey : '[]');
      stack.push(c === '{' ? new Set() : null);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      path.pop();
    } else if (c === ',') {
      expectKey = !!stack[stack.length - 1];
    }
  }
  return null;
}
