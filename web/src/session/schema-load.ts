import protobuf from "protobufjs";

/** One .proto file as the user gave it: a name (a path, for imports) and its text. */
export interface ProtoFile {
  readonly name: string;
  readonly text: string;
}

/** Where a .proto file failed to parse or resolve; line and column are 1-based when known. */
export interface SchemaError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly text: string;
}

export type SchemaResult = { ok: true; root: protobuf.Root } | { ok: false; error: SchemaError };

/** protobufjs parse options: field names stay as written (the JSON names are derived from them). */
export const PARSE_OPTIONS = { keepCase: true } as const;

type Bundled = Record<string, { nested?: Record<string, protobuf.AnyNestedObject> }>;

/**
 * Parses .proto files into one protobufjs Root: imports are resolved among the
 * given files (matched by path suffix) and google/protobuf/*.proto come from
 * protobufjs's bundled well-known types. Nothing is read from disk or network.
 */
export function loadSchemas(files: readonly ProtoFile[]): SchemaResult {
  const root = new protobuf.Root();
  const bundled = protobuf.common as unknown as Bundled;
  const done = new Set<string>();

  const findFile = (importPath: string): ProtoFile | undefined =>
    files.find((f) => f.name === importPath) ??
    files.find((f) => normalize(f.name).endsWith("/" + normalize(importPath))) ??
    files.find((f) => baseName(f.name) === baseName(importPath));

  const loadBundled = (path: string): boolean => {
    const key = Object.prototype.hasOwnProperty.call(bundled, path)
      ? path
      : path.includes("google/protobuf/")
        ? path.slice(path.lastIndexOf("google/protobuf/"))
        : undefined;
    const json = key === undefined ? undefined : bundled[key];
    if (key === undefined || json === undefined) return false;
    if (!done.has(key)) {
      done.add(key);
      if (json.nested) root.addJSON(json.nested);
    }
    return true;
  };

  const loadFile = (file: ProtoFile): SchemaError | undefined => {
    if (done.has(file.name)) return undefined;
    done.add(file.name);
    // A well-known type given as a file (any path ending in google/protobuf/X.proto)
    // is the bundled one: parsing it again would define its types twice.
    if (normalize(file.name).includes("google/protobuf/") && loadBundled(normalize(file.name)))
      return undefined;
    let parsed: protobuf.IParserResult;
    try {
      (protobuf.parse as unknown as { filename: string | null }).filename = file.name;
      parsed = protobuf.parse(file.text, root, PARSE_OPTIONS);
    } catch (err) {
      return errorFrom(file, err);
    }
    for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      if (loadBundled(imp)) continue;
      const target = findFile(imp);
      if (target === undefined) {
        if ((parsed.weakImports ?? []).includes(imp)) continue;
        return {
          file: file.name,
          line: lineOf(file.text, imp),
          column: undefined,
          text: `imports "${imp}", which is not loaded: add that file too`,
        };
      }
      const err = loadFile(target);
      if (err) return err;
    }
    return undefined;
  };

  for (const f of files) {
    const err = loadFile(f);
    if (err) return { ok: false, error: err };
  }
  try {
    root.resolveAll();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const name = /no such type: (\S+)/.exec(text)?.[1];
    const file = name ? files.find((f) => f.text.includes(name)) : undefined;
    return {
      ok: false,
      error: {
        file: file?.name ?? files[0]?.name ?? "",
        line: file && name ? lineOf(file.text, name) : undefined,
        column: undefined,
        text,
      },
    };
  }
  return { ok: true, root };
}

/** Every message type in the root, fully qualified without the leading dot, sorted. */
export function listMessageTypes(root: protobuf.Root): string[] {
  const out: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) out.push(obj.fullName.replace(/^\./, ""));
      if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) visit(obj);
    }
  };
  visit(root);
  return out.sort();
}

/** Looks a message type up by name (leading dot optional), or undefined. */
export function findMessageType(root: protobuf.Root, name: string): protobuf.Type | undefined {
  const found = root.lookup(name.replace(/^\./, ""));
  return found instanceof protobuf.Type ? found : undefined;
}

function errorFrom(file: ProtoFile, err: unknown): SchemaError {
  const text = err instanceof Error ? err.message : String(err);
  const m = /^(.*) \((?:.*?, )?line (\d+)\)$/.exec(text);
  if (!m) return { file: file.name, line: undefined, column: undefined, text };
  const line = Number(m[2]);
  const token = /'(.*)'/.exec(m[1] ?? "")?.[1];
  const lineText = file.text.split(/\r?\n/)[line - 1] ?? "";
  const col = token ? lineText.indexOf(token) : -1;
  return { file: file.name, line, column: col >= 0 ? col + 1 : undefined, text: m[1] ?? text };
}

function lineOf(text: string, needle: string): number | undefined {
  const i = text.indexOf(needle);
  return i < 0 ? undefined : text.slice(0, i).split("\n").length;
}

function normalize(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

function baseName(p: string): string {
  const n = normalize(p);
  return n.slice(n.lastIndexOf("/") + 1);
}
