// A Loom worker process on shared PostgreSQL storage, driven by the multi-worker tests through
// stdin (one JSON line per instruction) and reporting on stdout (one line per fact).
//
//   node worker.mjs jobs STORAGE_URL MODEL_BASE_URL CWD
//     stdin  {"jobs":[3,4,...]}   run each job's thread to a completed turn (10 at a time)
//     stdout "begin <job>"        the job's first command started (exec_command_begin is durable)
//            "done <job> <seq>"   the job's thread ends with a completed turn at head <seq>
//            "resumed <job> <open|closed>"  taken over (its last turn was left open, or not)
//            "idle"               every job received so far is done
//   node worker.mjs approval STORAGE_URL MODEL_BASE_URL CWD
//     starts one thread whose shell call needs approval and prints "asked <threadId> <callId>"
//
// Job N is thread `job-N`: a worker that finds it missing starts it, one that finds it unfinished
// resumes it (waiting while another worker's lease on it is live) and runs it again if its last
// turn did not complete. That is all a survivor does to take over a dead worker's work.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { createRuntime } from "../../dist/index.js";

const [mode, storage, baseURL, cwd] = process.argv.slice(2);
const out = (line) => process.stdout.write(`${line}\n`);

// Thread ids are the jobs' ids: the next startThread takes `nextThreadId` (starts are serialized).
let nextThreadId;
const ids = { next: (kind) => (kind === "thread" && nextThreadId ? nextThreadId : randomUUID()) };
const rt = await createRuntime({ storage, config: {}, env: {}, ids, model: { apiKey: "test", baseURL }, retry: { baseDelayMs: 1 } });
const settings = { cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } };

if (mode === "approval") {
  const thread = await rt.startThread({ ...settings, approvalPolicy: "untrusted" });
  thread.events$.subscribe((event) => {
    if (event.msg.type === "exec_approval_request") out(`asked ${thread.id} ${event.msg.call_id}`);
  });
  void thread.run("write the marker file").catch(() => undefined);
  await new Promise(() => {}); // until killed
}

const prompt = (job) => `job ${job}: run the step`;
const isDone = (state) => state.activeTurn === null && state.turns.at(-1)?.status === "completed";
let starting = Promise.resolve();

async function open(job) {
  const id = `job-${job}`;
  for (;;) {
    if (!(await rt.log.getThread(id))) {
      const start = starting.then(async () => {
        nextThreadId = id;
        try {
          return await rt.startThread({ ...settings, name: `job ${job}` });
        } finally {
          nextThreadId = undefined;
        }
      });
      starting = start.catch(() => undefined);
      try {
        return await start;
      } catch (error) {
        if (error.name === "ThreadExistsError") continue;
        throw error;
      }
    }
    if (isDone(await rt.stateAt(id))) return undefined;
    try {
      const thread = await rt.resumeThread(id, settings);
      out(`resumed ${job} ${thread.state.turns.at(-1)?.status === "aborted" ? "open" : "closed"}`);
      return thread;
    } catch (error) {
      if (error.name !== "ThreadBusyError") throw error;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the holder's lease has not run out yet
    }
  }
}

async function runJob(job) {
  for (let attempt = 1; ; attempt++) {
    const thread = await open(job);
    if (!thread) break;
    const sub = thread.events$.subscribe((event) => {
      if (event.msg.type === "exec_command_begin") out(`begin ${job}`);
    });
    try {
      if (!isDone(thread.state)) await thread.run(prompt(job));
      break;
    } catch (error) {
      // This worker lost the thread's lease (it was stalled past the lease time): the thread was
      // closed, as after a crash. Like a job queue would, take the job up again.
      if (!thread.closed || attempt >= 5) throw error;
      out(`retry ${job} ${error.message}`);
    } finally {
      sub.unsubscribe();
      await thread.close();
    }
  }
  out(`done ${job} ${(await rt.log.getThread(`job-${job}`)).headSeq}`);
}

const queue = [];
let running = 0;
function pump() {
  while (running < 10 && queue.length > 0) {
    const job = queue.shift();
    running++;
    runJob(job)
      .catch((error) => out(`error ${job} ${String(error?.stack ?? error).replace(/\n/g, " | ")}`))
      .finally(() => {
        running--;
        pump();
        if (running === 0 && queue.length === 0) out("idle");
      });
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  const { jobs } = JSON.parse(line);
  queue.push(...jobs);
  pump();
}
await rt.close();
