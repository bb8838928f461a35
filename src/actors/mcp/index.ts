/** The MCP client side: one connection per configured server, managed per thread. */
export { McpManager } from "./manager.js";
export type { McpManagerOptions, McpThreadBinding, McpToolInfo } from "./manager.js";
export { McpConnection } from "./connection.js";
export type { McpConnectionHooks, ElicitParams } from "./connection.js";
export {
  resolveMcpServers,
  toolAllowed,
  approvalModeFor,
  DEFAULT_STARTUP_TIMEOUT_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
} from "./config.js";
export type { McpServerSettings, McpTransportConfig, McpToolApprovalMode } from "./config.js";
export { qualifyToolNames, sanitizeToolName, mcpToolPrefix } from "./names.js";
export type { RawToolName, QualifiedToolName } from "./names.js";
export { modelOutputOf, errorResult, durationOf } from "./results.js";
export type { CallToolResult, McpCallOutcome } from "./results.js";
export { elicitationPolicyAnswer, elicitationRequestEvent, elicitResultOf, mcpPromptAutoApproved } from "./elicitation.js";
export { routeElicitationAnswer } from "./answers.js";
export type { ElicitationRoute } from "./answers.js";
export { McpConfigError, McpStartupError, McpTimeoutError, McpConnectionClosedError, UnknownMcpServerError } from "./errors.js";
