export const USAGE = `mqtt-lb — end-to-end tests for MQTT clusters behind a load balancer

Usage:
  mqtt-lb run --profile <file.yaml|folder> [--profile …] [options]
  mqtt-lb help [command]

Commands:
  run        start the deployment(s) of each profile, run its suites through the balancer, write the report

Options for run:
  --profile, -p <path>     profile YAML, or a folder of them (repeatable)
  --suites <a,b>           suites to run (default: the profile's list): pubsub, tls, failover, fairness, keepalive
  --runtime <name>         local | docker | auto (overrides the profile)
  --map <host:port=nodeN>  map a balancer upstream to a node explicitly (repeatable; default: i-th server → node i)
  --out <dir>              report folder (default: reports/latest)
  --baseline <summary.json>  compare with an earlier run; regressions are marked in the report
  --fail-on-regression     exit 1 when the baseline comparison finds a regression
  -t <pattern>             run only tests whose name matches (Jest's -t)

Exit codes: 0 all passed, 1 a test failed (or regressed), 2 bad usage or bad configuration.

Examples:
  mqtt-lb run --profile fixtures/profiles/haproxy-roundrobin.yaml
  mqtt-lb run -p fixtures/profiles --suites pubsub --out reports/nightly
  mqtt-lb run -p my-lb.yaml --map mqtt-1.prod.example:1883=node1 --baseline reports/last/summary.json
`;
