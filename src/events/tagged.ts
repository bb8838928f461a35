/**
 * Parsing of `type`-tagged unions through a lookup table: the tag picks one schema, so an unknown
 * tag is reported by name and a known one is checked by exactly one schema (faster than trying a union).
 */
import { z } from "zod";
import { SchemaError, UnknownTypeError } from "./errors.js";

export type SchemaTable = Record<string, z.ZodType>;

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

export function parseTagged<T>(table: SchemaTable, value: unknown, what: string): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SchemaError(what, `expected an object, got ${value === null ? "null" : typeof value}`);
  }
  const type = (value as { type?: unknown }).type;
  const schema = typeof type === "string" && Object.hasOwn(table, type) ? table[type] : undefined;
  if (!schema) throw new UnknownTypeError(what, type);
  const result = schema.safeParse(value);
  if (!result.success) throw new SchemaError(`${what} "${type}"`, formatIssues(result.error));
  return result.data as T;
}

/** Builds `z.discriminatedUnion("type", ...)` from a table, for typing and JSON Schema. */
export function unionOf<T extends Record<string, z.ZodObject>>(table: T) {
  const options = Object.values(table) as unknown as [T[keyof T], ...T[keyof T][]];
  return z.discriminatedUnion("type", options);
}
