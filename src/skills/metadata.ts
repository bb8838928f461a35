/**
 * A skill's optional `agents/openai.yaml` (Codex's `load_skill_metadata`): its interface (display
 * name, short description, icons, brand colour, default prompt), tool dependencies and policy
 * (`allow_implicit_invocation`, `products`). It fails open as Codex does: a file that cannot be read
 * or does not have the expected shape is ignored whole with a warning naming it, and a bad field is
 * dropped with a warning while the rest stays; the skill loads either way.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parseYaml } from "./yaml.js";
import { z } from "zod";

export const SKILL_METADATA_FILE = join("agents", "openai.yaml");
const LABEL = "openai.yaml";
const MAX_NAME_LEN = 64;
const MAX_DESCRIPTION_LEN = 1024;
/** An openai.yaml larger than this is not read (it is a few lines). */
const MAX_METADATA_FILE_BYTES = 256 * 1024;

/** Codex's `Product`: which products a skill is for (Loom is Codex). */
export const SkillProduct = z.preprocess(
  (value) => (typeof value === "string" && /^(CHATGPT|CODEX|ATLAS)$/.test(value) ? value.toLowerCase() : value),
  z.enum(["chatgpt", "codex", "atlas"]),
);
export type SkillProduct = z.infer<typeof SkillProduct>;

// serde's view of the file: absent and null fields are None; a wrong type fails the whole file.
const optionalText = z.string().nullish();
const SkillMetadataFile = z
  .object({
    interface: z
      .object({
        display_name: optionalText,
        short_description: optionalText,
        icon_small: optionalText,
        icon_large: optionalText,
        brand_color: optionalText,
        default_prompt: optionalText,
      })
      .nullish(),
    dependencies: z
      .object({
        tools: z
          .array(
            z.object({
              type: optionalText,
              value: optionalText,
              description: optionalText,
              transport: optionalText,
              command: optionalText,
              url: optionalText,
            }),
          )
          .nullish(),
      })
      .nullish(),
    policy: z
      .object({
        allow_implicit_invocation: z.boolean().nullish(),
        products: z.array(SkillProduct).nullish(),
      })
      .nullish(),
  })
  .nullish();
type SkillMetadataFile = z.infer<typeof SkillMetadataFile>;

/** The protocol's `SkillInterface` (absent fields are null, as Codex serialises them). */
export interface SkillInterface {
  display_name: string | null;
  short_description: string | null;
  icon_small: string | null;
  icon_large: string | null;
  brand_color: string | null;
  default_prompt: string | null;
}

/** The protocol's `SkillToolDependency` (absent optional fields are left out). */
export interface SkillToolDependency {
  type: string;
  value: string;
  description?: string;
  transport?: string;
  command?: string;
  url?: string;
}

export interface SkillPolicy {
  allowImplicitInvocation?: boolean;
  products: SkillProduct[];
}

export interface SkillExtraMetadata {
  interface?: SkillInterface;
  dependencies?: { tools: SkillToolDependency[] };
  policy?: SkillPolicy;
}

export interface LoadedSkillMetadata {
  metadata: SkillExtraMetadata;
  /** Codex's `tracing::warn!` texts: what was ignored, and why. */
  warnings: string[];
}

/** Reads `<skill dir>/agents/openai.yaml` next to `skillPath` (the SKILL.md). */
export function loadSkillMetadata(skillPath: string): LoadedSkillMetadata {
  const skillDir = dirname(skillPath);
  const path = join(skillDir, SKILL_METADATA_FILE);
  const warnings: string[] = [];
  const none = (warning?: string): LoadedSkillMetadata => ({ metadata: {}, warnings: warning ? [warning] : [] });
  let contents: string;
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat || !stat.isFile()) return none();
    if (stat.size > MAX_METADATA_FILE_BYTES) return none(`ignoring ${path}: failed to read ${LABEL}: larger than ${MAX_METADATA_FILE_BYTES} bytes`);
    contents = readFileSync(path, "utf8");
  } catch (error) {
    return none(`ignoring ${path}: failed to read ${LABEL}: ${(error as Error).message}`);
  }
  let parsed: SkillMetadataFile;
  try {
    const result = SkillMetadataFile.safeParse(parseYaml(contents));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return none(`ignoring ${path}: invalid ${LABEL}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    }
    parsed = result.data;
  } catch (error) {
    return none(`ignoring ${path}: invalid ${LABEL}: ${(error as Error).message.split("\n")[0]}`);
  }
  const warn = (message: string) => warnings.push(message);
  const metadata: SkillExtraMetadata = {};
  const iface = resolveInterface(parsed?.interface, skillDir, warn);
  if (iface) metadata.interface = iface;
  const tools = (parsed?.dependencies?.tools ?? []).flatMap((tool) => resolveTool(tool, warn));
  if (tools.length > 0) metadata.dependencies = { tools };
  if (parsed?.policy) {
    metadata.policy = {
      ...(typeof parsed.policy.allow_implicit_invocation === "boolean" ? { allowImplicitInvocation: parsed.policy.allow_implicit_invocation } : {}),
      products: parsed.policy.products ?? [],
    };
  }
  return { metadata, warnings };
}

type Warn = (message: string) => void;
type FileInterface = NonNullable<NonNullable<SkillMetadataFile>["interface"]>;
type FileTool = NonNullable<NonNullable<NonNullable<SkillMetadataFile>["dependencies"]>["tools"]>[number];

/** Codex's `sanitize_single_line`: whitespace runs become one space. */
const singleLine = (text: string) => text.split(/\s+/).filter(Boolean).join(" ");

/** Codex's `resolve_str`: one line, not empty, not too long; otherwise dropped with a warning. */
function resolveText(value: string | null | undefined, max: number, field: string, warn: Warn): string | null {
  if (value === null || value === undefined) return null;
  const text = singleLine(value);
  if (text === "") {
    warn(`ignoring ${field}: value is empty`);
    return null;
  }
  if ([...text].length > max) {
    warn(`ignoring ${field}: exceeds maximum length of ${max} characters`);
    return null;
  }
  return text;
}

function resolveInterface(value: FileInterface | null | undefined, skillDir: string, warn: Warn): SkillInterface | undefined {
  if (!value) return undefined;
  const resolved: SkillInterface = {
    display_name: resolveText(value.display_name, MAX_NAME_LEN, "interface.display_name", warn),
    short_description: resolveText(value.short_description, MAX_DESCRIPTION_LEN, "interface.short_description", warn),
    icon_small: resolveIcon(value.icon_small, skillDir, "interface.icon_small", warn),
    icon_large: resolveIcon(value.icon_large, skillDir, "interface.icon_large", warn),
    brand_color: resolveColor(value.brand_color, "interface.brand_color", warn),
    default_prompt: resolveText(value.default_prompt, MAX_DESCRIPTION_LEN, "interface.default_prompt", warn),
  };
  return Object.values(resolved).some((field) => field !== null) ? resolved : undefined;
}

/** Codex's `resolve_asset_path`: a relative path under the skill's `assets/`, never `..`. */
function resolveIcon(value: string | null | undefined, skillDir: string, field: string, warn: Warn): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (isAbsolute(value)) {
    warn(`ignoring ${field}: icon must be a relative assets path (not ${join(skillDir, "assets")})`);
    return null;
  }
  const parts = value.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) {
    warn(`ignoring ${field}: icon path must not contain '..'`);
    return null;
  }
  if (parts[0] !== "assets") {
    warn(`ignoring ${field}: icon path must be under assets/`);
    return null;
  }
  return join(skillDir, ...parts);
}

/** Codex's `resolve_color_str`: `#RRGGBB` only. */
function resolveColor(value: string | null | undefined, field: string, warn: Warn): string | null {
  if (value === null || value === undefined) return null;
  const color = value.trim();
  if (color === "") {
    warn(`ignoring ${field}: value is empty`);
    return null;
  }
  if (/^#[0-9A-Fa-f]{6}$/.test(color)) return color;
  warn(`ignoring ${field}: expected #RRGGBB, got ${color}`);
  return null;
}

/** Codex's `resolve_dependency_tool`: a tool without a type or a value is dropped. */
function resolveTool(tool: FileTool, warn: Warn): SkillToolDependency[] {
  const required = (value: string | null | undefined, max: number, field: string) => {
    if (value === null || value === undefined) {
      warn(`ignoring ${field}: value is missing`);
      return null;
    }
    return resolveText(value, max, field, warn);
  };
  const type = required(tool.type, MAX_NAME_LEN, "dependencies.tools.type");
  if (type === null) return [];
  const value = required(tool.value, MAX_DESCRIPTION_LEN, "dependencies.tools.value");
  if (value === null) return [];
  const optional = (text: string | null | undefined, max: number, field: string) => {
    const resolved = resolveText(text, max, field, warn);
    return resolved === null ? {} : { [field.split(".").at(-1)!]: resolved };
  };
  return [
    {
      type,
      value,
      ...optional(tool.description, MAX_DESCRIPTION_LEN, "dependencies.tools.description"),
      ...optional(tool.transport, MAX_NAME_LEN, "dependencies.tools.transport"),
      ...optional(tool.command, MAX_DESCRIPTION_LEN, "dependencies.tools.command"),
      ...optional(tool.url, MAX_DESCRIPTION_LEN, "dependencies.tools.url"),
    },
  ];
}

/** Codex's `allow_implicit_invocation`: listed to the model unless the policy says false. */
export function allowsImplicitInvocation(skill: { policy?: SkillPolicy }): boolean {
  return skill.policy?.allowImplicitInvocation ?? true;
}

/** Codex's product restriction for a Codex session: no products named, or Codex among them. */
export function isForCodex(skill: { policy?: SkillPolicy }): boolean {
  const products = skill.policy?.products ?? [];
  return products.length === 0 || products.includes("codex");
}
