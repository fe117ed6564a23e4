/** Help texts: the overview (`mqtt-lb --help`) and one page per command (`mqtt-lb <command> --help`). */
import { AGENT_HELP } from '../agents/worker/main.js';

export const USAGE = `mqtt-lb — end-to-end tests for MQTT clusters behind a load balancer

Usage:
  mqtt-lb <command> [options]        (mqtt-lb <command> --help for its options and examples)

Commands:
  run      start the deployment(s) of each profile, run its suites through the balancer, write the report
  up       start a deployment and keep it running (prints the endpoints; returns to the shell)
  status   nodes, balancer server states and connection counts of a running deployment
  fault    kill | pause | resume | restart | stop | partition | heal | loss … a node of a running deployment
  down     stop a running deployment and remove everything it started
  doctor   what is installed (haproxy, redis, mosquitto, chromium, Docker, images, Node) and what to install
  agent    the load engine as a worker of a controller (started by \`run\` for a profile's \`load: { agents }\`)
  help     this text, or help for one command: mqtt-lb help <command>

Exit codes: 0 success, 1 a test failed / regressed / an action failed, 2 bad usage or bad configuration.

Examples:
  mqtt-lb run --profile fixtures/profiles/haproxy-roundrobin.yaml
  mqtt-lb up -p fixtures/profiles/haproxy-leastconn.yaml && mqtt-lb fault kill node2 && mqtt-lb status
  mqtt-lb down
  mqtt-lb doctor
`;

const RUN = `mqtt-lb run — run the suites of one or more profiles through the balancer and write the report

Usage:
  mqtt-lb run --profile <file.yaml|folder> [--profile …] [options]

Options:
  --profile, -p <path>       profile YAML, or a folder of them (repeatable); several profiles → one index page
  --suites <a,b>             suites to run (default: each profile's list): pubsub, tls, failover, fairness, keepalive, capacity
  --suite <file.test.ts>     run a test file of your own as a suite, on the same deployment (repeatable; relative to
                             the current directory; it imports useDeployment, finding, metric from 'mqtt-lb-harness/suite');
                             --suites and --suite together replace each profile's list (a profile lists a file as
                             suites: [pubsub, ./my-flows.test.ts], relative to the profile file)
  --runtime <name>           local | docker | auto (overrides the profiles)
  --map <host:port=nodeN>    map a balancer upstream to a node explicitly (repeatable; default: i-th server → node i)
  --out <dir>                report folder (default: reports/latest): index.html, profiles/*.html, summary.json, junit.xml
  --baseline <summary.json>  compare with an earlier run (same profile names); changes are marked in the report
  --fail-on-regression       exit 1 when the comparison finds a regression (a profile can ask for this too:
                             report: { fail_on_regression: true })
  --summary-md <file>        also write the run as Markdown (profile × suite counts, top findings with their config
                             line, regressions); appended to $GITHUB_STEP_SUMMARY automatically when that is set
  -t <pattern>               run only tests whose name matches (Jest's -t, a regular expression)

Progress (phases, each suite's result as it finishes) goes to stderr; the verdict per profile and the report
path to stdout.

Exit codes: 0 all passed, 1 a test failed (or regressed, see above), 2 bad usage or bad configuration.

Examples:
  mqtt-lb run --profile fixtures/profiles/haproxy-roundrobin.yaml
  mqtt-lb run -p fixtures/profiles --suites pubsub --out reports/nightly
  mqtt-lb run -p a.yaml -p b.yaml -t 'placement|QoS 1'
  mqtt-lb run -p nightly.yaml --baseline reports/last-night/summary.json --fail-on-regression
  mqtt-lb run -p fixtures/profiles/haproxy-roundrobin.yaml --suites pubsub --summary-md reports/latest/summary.md
  mqtt-lb run -p my-lb.yaml --map mqtt-1.prod.example:1883=node1
  mqtt-lb run -p my-lb.yaml --suites pubsub --suite ./my-flows.test.ts
`;

const UP = `mqtt-lb up — start a deployment and keep it running

Usage:
  mqtt-lb up --profile <file.yaml> [options]

Starts the profile's cluster and balancer in a background keeper process, waits until the balancer sees every
server UP, prints the endpoints and returns. The deployment keeps running until \`mqtt-lb down\`; \`fault\`,
\`status\` and \`down\` work from any shell. The latest \`up\` becomes the current deployment; pick another with
--run <id>. State and logs: $MQTT_LB_STATE_DIR (default /tmp/mqtt-lb-<uid>)/runs/<id>/.

Options:
  --profile, -p <file>       profile YAML (one)
  --runtime <name>           local | docker | auto (overrides the profile)
  --map <host:port=nodeN>    map a balancer upstream to a node explicitly (repeatable)
  --json                     print the endpoints as JSON (for scripts)

Exit codes: 0 running, 1 it failed to start (the log tail is printed), 2 bad usage or bad configuration.

Examples:
  mqtt-lb up -p fixtures/profiles/haproxy-roundrobin.yaml
  mqtt-lb up -p my-lb.yaml --map mqtt-1.prod.example:1883=node1
  mqtt-lb up -p my-lb.yaml --json > up.json     # runId, endpoints, nodes
`;

const STATUS = `mqtt-lb status — nodes, balancer server states and connection counts of a running deployment

Usage:
  mqtt-lb status [--run <id>] [--json]

Options:
  --run <id>                 which deployment (default: the latest \`mqtt-lb up\`)
  --json                     machine-readable output
  --all                      list every deployment that is up (id, profile, started)
  --env                      print shell exports (MQTT_LB_TARGET_*) that point an external-target profile at it,
                             e.g. fixtures/profiles/external-loopback.yaml: eval "$(mqtt-lb status --env)"

Exit codes: 0 shown, 1 the deployment's keeper does not answer, 2 no such deployment.

Examples:
  mqtt-lb status
  mqtt-lb status --run 20250101-120000-ab12cd --json
  mqtt-lb status --all
  eval "$(mqtt-lb status --env)" && mqtt-lb run -p fixtures/profiles/external-loopback.yaml
`;

const FAULT = `mqtt-lb fault — inject a fault into one node of a running deployment

Usage:
  mqtt-lb fault <verb> <node> [params…] [--run <id>]

Process verbs:
  kill      SIGKILL the node (a crash: no goodbye to clients, wills fire later)
  pause     SIGSTOP the node (a hung node: TCP still accepted, nothing answered)
  resume    SIGCONT a paused node
  restart   stop and start the node again (same address)
  stop      graceful stop (clients are disconnected)

Network verbs (the node's MQTT listeners; its HTTP API stays reachable for observation; a new one replaces the last):
  partition           drop packets to and from the node (silent: established links go half-open)
  blackhole           drop packets towards the node only
  reset               answer packets towards the node with a TCP reset
  loss <pct>          drop pct % of the packets at random, both directions (a lossy link)
  bandwidth <rate>    cap the node's outgoing rate, tc units (800kbit, 10mbit; a bare number is kbit)
  delay <ms> [jitter] delay the node's outgoing packets (needs netem)
  heal                remove the node's network fault
  Local runtime: iptables rules in a run-owned chain on the node's loopback address; bandwidth and delay are not
  available (lo is shared). Docker: the rules cut the node's link to the balancer container, every port (its health
  checks too), inside the node container's namespace; the direct view and the cluster's own links stay up; tc there
  shapes all the node's outgoing packets. Root needed;
  'mqtt-lb fault' says which mechanism produced the fault, or why it cannot be produced here.

Options:
  --run <id>                 which deployment (default: the latest \`mqtt-lb up\`)

Exit codes: 0 done, 1 the fault failed or is not available here, 2 bad usage (unknown verb or node, bad parameter,
no deployment up).

Examples:
  mqtt-lb fault kill node2
  mqtt-lb fault pause node3 && sleep 5 && mqtt-lb status && mqtt-lb fault resume node3
  mqtt-lb fault restart node2 --run 20250101-120000-ab12cd
  mqtt-lb fault partition node2 && mqtt-lb status && mqtt-lb fault heal node2
  mqtt-lb fault loss node2 10
`;

const DOWN = `mqtt-lb down — stop a running deployment and remove everything it started

Usage:
  mqtt-lb down [--run <id> | --all]

Asks the deployment's keeper to stop the balancer and nodes and remove the run directory. If the keeper is gone
(crashed, killed), kills the run's recorded processes itself and removes the run directory. Either way it then
checks that no process of the run remains.

Options:
  --run <id>                 which deployment (default: the latest \`mqtt-lb up\`)
  --all                      every deployment that is up

Exit codes: 0 stopped (or nothing was up with --all), 1 something could not be stopped, 2 no such deployment.

Examples:
  mqtt-lb down
  mqtt-lb down --run 20250101-120000-ab12cd
  mqtt-lb down --all
`;

const DOCTOR = `mqtt-lb doctor — what the harness can use on this machine, and what to install

Usage:
  mqtt-lb doctor [--profile <file.yaml|folder>…] [--json]

Checks Node.js, haproxy, redis-server, the mosquitto clients, setpriv, chromium (report browser test), the Docker
engine and the local mqtt-lb/* images, and prints the exact command that installs what is missing. With
--profile it also checks what those profiles need beyond that: rabbitmq-server for a profile with
broker.kind: rabbitmq on the local runtime (not checked otherwise).

Options:
  --profile, -p <path>       profile YAML, or a folder of them (repeatable)
  --json                     the checks, the install commands and the verdict as JSON

Exit codes: 0 everything the local runtime needs is there (optional parts may be missing), 1 something required
is missing.

Examples:
  mqtt-lb doctor
  mqtt-lb doctor --json
  mqtt-lb doctor -p fixtures/profiles/nightly
`;

export const COMMAND_HELP: Record<string, string> = {
  run: RUN,
  up: UP,
  status: STATUS,
  fault: FAULT,
  down: DOWN,
  doctor: DOCTOR,
  agent: AGENT_HELP,
};
