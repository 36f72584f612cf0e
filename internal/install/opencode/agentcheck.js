// agentcheck-managed: the OpenCode plugin of agentcheck, written by
// "agentcheck init". Re-run it to update this file; do not edit it.
//
// It records this OpenCode session for agentcheck and applies agentcheck's
// runtime policy. Each hook below spawns "agentcheck-hook hook --agent opencode"
// with one JSON envelope on stdin: {hook, directory, worktree, mcpServers,
// parentSessionID, input, output} for plugin hooks, {hook: "event",
// directory, worktree, parentSessionID, event} for bus events;
// parentSessionID names the root session of a subagent's child session. When agentcheck exits with status 2 the pending
// tool call is refused: the plugin throws an Error carrying agentcheck's
// reason, which OpenCode reports to the model as the tool's failure. Any
// other outcome (agentcheck not installed, a crash, a timeout) is ignored,
// so the recorder never stops the agent by accident.
import { spawn } from "node:child_process";

const BIN = process.env.AGENTCHECK_BIN || "agentcheck-hook";
const TIMEOUT_MS = 30000;
const MAX_STDERR = 64 * 1024;
// Bus events worth a process: the others (message parts, file watcher…)
// fire far too often and record nothing.
const EVENTS = new Set(["session.created", "session.idle", "session.deleted"]);

function run(envelope) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(BIN, ["hook", "--agent", "opencode"], { stdio: ["pipe", "ignore", "pipe"] });
    } catch {
      resolve({ code: -1, stderr: "" });
      return;
    }
    let stderr = "";
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    child.stderr.on("data", (d) => {
      if (stderr.length < MAX_STDERR) stderr += d;
    });
    child.on("error", () => {
      clearTimeout(timer);
      resolve({ code: -1, stderr });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(envelope));
  });
}

// withTimeout resolves to fallback if promise takes longer than ms.
function withTimeout(promise, ms, fallback) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), ms))]);
}

export const AgentcheckPlugin = async ({ directory, worktree, client }) => {
  // Older OpenCode releases do not pass args to tool.execute.after: they are
  // taken from the matching tool.execute.before (same callID).
  const pendingArgs = new Map();
  let mcpServers;
  // The configured MCP server names, read once, so that agentcheck can split
  // SERVER_TOOL names whose server holds an underscore.
  const servers = async () => {
    if (mcpServers === undefined) {
      mcpServers = [];
      try {
        const res = await withTimeout(Promise.resolve(client?.config?.get?.()), 2000, undefined);
        const mcp = (res && (res.data ?? res))?.mcp;
        if (mcp && typeof mcp === "object") mcpServers = Object.keys(mcp);
      } catch {
        // no server names: agentcheck splits at the first underscore
      }
    }
    return mcpServers;
  };
  // The root session a subagent's child session descends from, looked up
  // once per session, so that agentcheck records a subagent's calls in the
  // session of the human's prompt, and knows its prompt for the parent
  // agent's words, not the human's.
  const roots = new Map();
  const rootOf = async (sessionID) => {
    if (typeof sessionID !== "string" || sessionID === "") return undefined;
    if (!roots.has(sessionID)) {
      let id = sessionID;
      for (let depth = 0; depth < 8; depth++) {
        let parent;
        try {
          const res = await withTimeout(Promise.resolve(client?.session?.get?.({ path: { id } })), 2000, undefined);
          parent = (res && (res.data ?? res))?.parentID;
        } catch {
          parent = undefined;
        }
        if (typeof parent !== "string" || parent === "") break;
        id = parent;
      }
      if (roots.size > 1000) roots.clear();
      roots.set(sessionID, id === sessionID ? "" : id);
    }
    return roots.get(sessionID) || undefined;
  };
  const send = async (hook, input, output) =>
    run({ hook, directory, worktree, mcpServers: await servers(), parentSessionID: await rootOf(input?.sessionID), input, output });

  return {
    "chat.message": async (input, output) => {
      await send("chat.message", input, output);
    },
    "tool.execute.before": async (input, output) => {
      if (pendingArgs.size > 1000) pendingArgs.clear();
      if (input?.callID !== undefined) pendingArgs.set(input.callID, output?.args);
      const { code, stderr } = await send("tool.execute.before", input, output);
      if (code === 2) {
        pendingArgs.delete(input?.callID);
        throw new Error(stderr.trim() || "agentcheck refused this tool call");
      }
    },
    "tool.execute.after": async (input, output) => {
      let args = input?.args;
      if (args === undefined) args = pendingArgs.get(input?.callID);
      pendingArgs.delete(input?.callID);
      await send("tool.execute.after", { ...input, args }, output);
    },
    event: async ({ event }) => {
      if (!event || !EVENTS.has(event.type)) return;
      const props = event.properties;
      const sessionID = props?.sessionID ?? props?.info?.id;
      await run({ hook: "event", directory, worktree, parentSessionID: await rootOf(sessionID), event });
    },
  };
};
