/**
 * qmpkit: an async client for QEMU's machine protocol (QMP).
 * @module
 */
export { QmpClient } from "./client.js";
export type {
  QmpState,
  QmpClientOptions,
  ConnectOptions,
  AcceptOptions,
  QmpCommandMessage,
  ExecuteUntilOptions,
} from "./client-options.js";
export type { PassableFd, FdCommandOptions, AddFdOptions, AddFdResult, FdsetInfo } from "./fd-commands.js";
export { fdPassingAvailable } from "./fd/index.js";
export { QmpError, ConnectError, ExecuteError, DisconnectedError, ProtocolError, StateError, ArgumentError } from "./errors.js";
export type { QmpErrorCode } from "./errors.js";
export { EventListener, matchesPattern } from "./event-listener.js";
export type { ListenOptions, WaitOptions, OverflowPolicy, EventMatch } from "./event-listener.js";
export type { QmpGreeting } from "./envelopes.js";
export type { QmpLogger } from "./logger.js";
export type { MessageHooks } from "./client-options.js";
export type { ConnectTarget, TransportKind } from "./transport.js";
export type { AcceptTarget } from "./accept.js";
export type {
  ExecuteOptions,
  QmpApi,
  UntypedApi,
  CommandName,
  CommandArgs,
  CommandReturn,
  ExecuteRest,
  EventName,
  QmpEvent,
  QmpEventOf,
  QmpTimestamp,
  QmpExecutor,
} from "./api.js";
export { launchQemu } from "./launch.js";
export type { LaunchOptions, LaunchedQemu } from "./launch.js";
export { QmpSchema } from "./schema/qmp-schema.js";
export type { QmpSchemaOptions } from "./schema/qmp-schema.js";
export type { IntrospectOptions } from "./schema/schema-cache.js";
export type { SchemaSource } from "./schema/load.js";
export type { ArgumentIssue } from "./schema/validate.js";
export { UNCHECKED_ARGUMENT_COMMANDS } from "./schema/unchecked.js";
export type {
  SchemaInfo,
  SchemaInfoBase,
  SchemaInfoBuiltin,
  SchemaInfoEnum,
  SchemaInfoEnumMember,
  SchemaInfoArray,
  SchemaInfoObject,
  SchemaInfoObjectMember,
  SchemaInfoObjectVariant,
  SchemaInfoAlternate,
  SchemaInfoAlternateMember,
  SchemaInfoCommand,
  SchemaInfoEvent,
  SchemaFeatures,
  SchemaMetaType,
} from "./schema/schema-info.js";
export type { IntegerWidth } from "./schema/integer-widths.js";
