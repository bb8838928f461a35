import { MemoryEventLog } from "../../src/log/index.js";
import { eventLogContract } from "./contract.js";

eventLogContract("memory", async (options) => new MemoryEventLog(options));
