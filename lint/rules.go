package lint

// Rules is every rule, sorted by ID. IDs are stable and never reused. The SG rules have no Check:
// they judge the inline ignores, which the runner reads after every other rule has run (ignore.go).
var Rules = []*Rule{
	{
		ID: "GN401", Title: "image without a pinned tag", Severity: Warning,
		Doc: "docker stack deploy resolves each image's tag to a digest before it creates or updates a service " +
			"(--resolve-image always, the default: cli/command/stack/deploy.go, deploy_composefile.go " +
			"deployServices; docker/docker client/service_create.go and service_update.go pin it with " +
			"imageWithDigestString), so the nodes agree on the build and a rollback restores the previous " +
			"digest. But it resolves the tag again on every deploy: with no tag (latest) or latest, any redeploy, " +
			"even one that changed something else, can silently move the service to a new build, a new major " +
			"version included (measured with a registry on loopback: after a new push, a redeploy that changed " +
			"only the environment moved the service to the new digest without a word). Nodes run different " +
			"builds only when the digest cannot be resolved, and the tag " +
			"is deployed as written (docker warns \"image X could not be accessed on a registry to record its " +
			"digest\" when it updates a service, and says nothing when it creates one: deploy_composefile.go " +
			"prints ServiceUpdate's warnings only), or with --resolve-image never: each node then pulls the tag " +
			"on its own (but an update with never keeps the digest an earlier deploy pinned while image: is " +
			"unchanged). Pin a version tag or a digest. (A service with no image at all is SW111: docker stack " +
			"deploy refuses it.)",
		Bad:   "image: redis\n",
		Good:  "image: redis:6.2-alpine\n",
		Check: checkImageTag,
	},
	{
		ID: "GN402", Title: "healthcheck missing or disabled", Severity: Warning,
		Doc: "Without a healthcheck, in the file or in the image, Swarm only knows whether the process exists, " +
			"not whether it serves; updates roll on and a wedged task is never replaced. A service without " +
			"healthcheck: runs the image's own HEALTHCHECK, if it has one (docker/docker daemon/commit.go merge; " +
			"measured: a task failed \"dockerexec: unhealthy container\" with no healthcheck in the file). lint " +
			"cannot see the image, so it reports every service without one in the file: write it there, where " +
			"reviewers see it, or ignore the finding with a reason naming the image's HEALTHCHECK. disable: true " +
			"and test: [NONE] turn the image's off too.",
		Bad:   "services:\n  app:\n    image: app:1.0\n",
		Good:  "services:\n  app:\n    image: app:1.0\n    healthcheck:\n      test: [CMD, /healthz]\n",
		Check: checkHealthMissing,
	},
	{
		ID: "GN403", Title: "restart: that Swarm's default contradicts", Severity: Warning,
		Doc: "docker stack deploy prints \"Ignoring unsupported options: restart\", but when the service has no " +
			"deploy.restart_policy it converts restart: itself (cli/compose/convert/service.go " +
			"convertRestartPolicy, opts/parse.go ParseRestartPolicy; measured on a one-node Swarm): always and " +
			"unless-stopped become condition any, on-failure becomes condition on-failure with no attempt limit, " +
			"and on-failure:N the same with max_attempts N (a lifetime budget: SW113). Those do what they say. " +
			"restart: \"no\" becomes no restart policy at all, so Swarm's defaults apply (swarmkit " +
			"api/defaults/service.go): condition any, a 5 s delay, no attempt limit, no window: the task is " +
			"restarted whenever it exits, even with status 0, the opposite of what the file says. Say it in " +
			"deploy.restart_policy.condition: none; stackgen lint --fix writes it so.",
		Bad:   "    restart: \"no\"\n",
		Good:  "    deploy:\n      restart_policy:\n        condition: none\n",
		Check: checkRestartPolicy,
	},
	{
		ID: "GN404", Title: "host access: Docker socket or the host network", Severity: Error,
		Doc: "A bind-mounted Docker socket hands the container root on its node (and, on a manager, the whole " +
			"Swarm). A service on a network declared external whose name is host (networks: {host: {external: " +
			"true}}, a key with external: true and name: host, or the older external: {name: host}) shares the " +
			"node's network stack (measured: the same network namespace inode as the host's); docker stack " +
			"deploy does not check that an external host exists (cli/command/stack/swarm/deploy_composefile.go " +
			"validateExternalNetworks skips it). An undeclared networks: [host] does not join it: deploy creates " +
			"an overlay STACK_host and fails (SW107). A cache needs neither. " +
			"privileged, pid: host and network_mode: host are not reported here: docker stack deploy ignores " +
			"them (cli/compose/types/types.go UnsupportedProperties; cli/compose/convert/service.go never puts " +
			"them in the service spec), so they grant nothing; SW106 says they do nothing.",
		Bad:   "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
		Good:  "    volumes:\n      - redis_data:/data\n",
		Check: checkHostAccess,
	},
	{
		ID: "PL201", Title: "published port", Severity: Error,
		Doc: "Swarm publishes a port on every node's ingress, whatever host IP the file names (the IP is " +
			"ignored). Services on the same overlay network reach each other without ports. Host-mode " +
			"publishing needs a stackgen:ignore with a reason.",
		Bad:   "    ports:\n      - \"127.0.0.1:6379:6379\"\n",
		Good:  "    networks:\n      - app_main\n",
		Check: checkPorts,
	},
	{
		ID: "PL202", Title: "memory limit missing or off policy", Severity: Error,
		Doc: "Every service declares deploy.resources.limits.memory equal to the policy (512M by default; " +
			"memory.limit and memory.exact in .stackgen.yaml), so one service cannot starve a node.",
		Bad:   "    deploy:\n      replicas: 1\n",
		Good:  "    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
		Check: func(p *Pass) { checkMemory(p, "limits", p.Policy.Memory.Limit, "limit") },
	},
	{
		ID: "PL203", Title: "memory reservation missing or off policy", Severity: Error,
		Doc: "Every service declares deploy.resources.reservations.memory equal to the policy (256M by " +
			"default), so the scheduler only places it where that memory is free.",
		Bad:   "      resources:\n        limits:\n          memory: 512M\n",
		Good:  "      resources:\n        limits:\n          memory: 512M\n        reservations:\n          memory: 256M\n",
		Check: func(p *Pass) { checkMemory(p, "reservations", p.Policy.Memory.Reservation, "reservation") },
	},
	{
		ID: "PL204", Title: "attachable network", Severity: Error,
		Doc: "An attachable network lets any container started with docker run on any node join it and reach " +
			"the cache, outside Swarm's services. A network shared with other stacks is declared external " +
			"instead. (A network with a local driver such as bridge, which this rule used to report, is SW115: " +
			"docker stack deploy fails on it.)",
		Bad:   "networks:\n  app_main:\n    driver: overlay\n    attachable: true\n",
		Good:  "networks:\n  app_main:\n    external: true\n",
		Check: checkAttachable,
	},
	{
		ID: "PL205", Title: "image not allowed by the policy", Severity: Error,
		Doc:   "When the policy lists image patterns (images: in .stackgen.yaml), every service's image matches one.",
		Bad:   "    image: someone/redis:6.2\n",
		Good:  "    image: redis:6.2-alpine\n",
		Check: checkImageAllowed,
	},
	{
		ID: "PL206", Title: "required placement constraint missing", Severity: Error,
		Doc: "When the policy lists placement constraints (placement: in .stackgen.yaml), every service has them. " +
			"A constraint in the file counts when Swarm reads it as the policy's, as swarmkit compares " +
			"(manager/constraint/constraint.go Parse, NodeMatches, Match): the same operator; spaces around it " +
			"do not matter; the attribute part of the key (node.role, node.hostname, the node.labels. and " +
			"engine.labels. prefixes) and the value are case-insensitive; a label's name is case-sensitive " +
			"(\"label itself is case sensitive\"). So NODE.LABELS.redis==TRUE meets node.labels.redis == true, " +
			"and node.labels.Redis == true does not. A node.ip value is compared as written, not as an address.",
		Bad:   "      placement:\n        constraints: [node.role == worker]\n",
		Good:  "      placement:\n        constraints:\n          - node.role == worker\n          - node.labels.wheel_analyzer.redis == true\n",
		Check: checkPlacement,
	},
	{
		ID: "RD301", Title: "redis without AOF persistence", Severity: Error,
		Doc: "Without --appendonly yes a crash loses every write since the last RDB snapshot (up to 15 " +
			"minutes with the usual schedule). The AOF is written before Redis replies.",
		Bad:   "    command: [--save, \"900\", \"1\"]\n",
		Good:  "    command: [--appendonly, \"yes\", --appendfsync, everysec]\n",
		Check: checkAppendOnly,
	},
	{
		ID: "RD302", Title: "appendfsync off policy", Severity: Error,
		Doc: "The policy's fsync mode (everysec by default, at little cost: up to about 2 s of acknowledged " +
			"writes lost on a host crash, or on a Redis crash while a slow fsync holds the AOF write back; " +
			"src/aof.c flushAppendOnlyFile). no leaves it to the kernel (up to 30 s); always is slow.",
		Bad:   "    command: [--appendonly, \"yes\", --appendfsync, \"no\"]\n",
		Good:  "    command: [--appendonly, \"yes\", --appendfsync, everysec]\n",
		Check: checkAppendFsync,
	},
	{
		ID: "RD303", Title: "save schedule that Redis silently drops", Severity: Error,
		Doc: "Each argv element after --save is one token. [--save, \"900 1\"] passes \"900 1\" as one token: " +
			"Redis 6.2 then turns RDB snapshots off without a word (7.x accepts it). Pass each number as its " +
			"own element; a value that is not pairs of integers is off on 6.2 and fatal on 7.x.",
		Bad:   "    command: [--save, \"900 1\", --save, \"300 10\"]\n",
		Good:  "    command: [--save, \"900\", \"1\", --save, \"300\", \"10\"]\n",
		Check: checkSave,
	},
	{
		ID: "RD304", Title: "redis without maxmemory", Severity: Error,
		Doc: "Without --maxmemory a cache grows until the container's memory limit and the kernel OOM-kills " +
			"it. Set it below the limit, with an eviction policy.",
		Bad:   "    command: [--appendonly, \"yes\"]\n",
		Good:  "    command: [--appendonly, \"yes\", --maxmemory, 384mb, --maxmemory-policy, allkeys-lru]\n",
		Check: checkMaxMemoryMissing,
	},
	{
		ID: "RD305", Title: "maxmemory in decimal or invalid units", Severity: Error,
		Doc: "Redis reads 512m as 512,000,000 bytes and 512mb as 536,870,912; 512mib, 0.5gb and \"512 mb\" make " +
			"it refuse to start. Use kb, mb or gb.",
		Bad:   "    command: [--maxmemory, 384m]\n",
		Good:  "    command: [--maxmemory, 384mb]\n",
		Check: checkMaxMemoryUnits,
	},
	{
		ID: "RD306", Title: "maxmemory without headroom below the memory limit", Severity: Error,
		Doc: "BGSAVE and AOF rewrites fork: copy-on-write pages, client buffers and allocator overhead come on " +
			"top of maxmemory. At the container's limit the cgroup OOM-kills Redis mid-save. Keep maxmemory at " +
			"most the policy's ratio of the limit (0.75 by default).",
		Bad:   "    command: [--maxmemory, 512mb]\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
		Good:  "    command: [--maxmemory, 384mb]\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
		Check: checkMaxMemoryHeadroom,
	},
	{
		ID: "RD307", Title: "no eviction policy for a cache", Severity: Error,
		Doc: "With maxmemory set and the default noeviction, a full cache makes every write fail. A cache " +
			"evicts: allkeys-lru (or another allkeys-/volatile- policy).",
		Bad:   "    command: [--maxmemory, 384mb]\n",
		Good:  "    command: [--maxmemory, 384mb, --maxmemory-policy, allkeys-lru]\n",
		Check: checkMaxMemoryPolicy,
	},
	{
		ID: "RD308", Title: "literal password in the stack file", Severity: Error,
		Doc: "A password in command, entrypoint, healthcheck or environment (--requirepass, redis-cli -a, " +
			"REDIS_PASSWORD, a redis:// URL with credentials) is readable by anyone with docker service " +
			"inspect and by every reviewer. Read it from a Swarm secret. Names about a password rather than " +
			"holding one are not findings: a location (_FILE, _PATH, _DIR), an htpasswd _REALM, a switch such " +
			"as MYSQL_RANDOM_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD, or a value of 1/0/yes/no/true/false.",
		Bad:   "    command: [--requirepass, hunter2]\n",
		Good:  "    secrets: [redis_password]\n    entrypoint: [/bin/sh, -c, 'pw=\"$$(cat /run/secrets/redis_password)\" || exit 1; ...']\n",
		Check: checkLiteralPassword,
	},
	{
		ID: "RD309", Title: "redis without a password", Severity: Error,
		Doc: "Without requirepass (--requirepass in argv, or a requirepass line in the here-document that " +
			"redis-server - reads on stdin), or with requirepass \"\", every container on the network reads " +
			"and writes the cache. A later --requirepass in argv wins over the here-document's.",
		Bad:   "    command: [--requirepass, \"\"]\n",
		Good:  "      - |\n        pw=\"$$(cat /run/secrets/p)\" || exit 1\n        [ -n \"$$pw\" ] || exit 1\n        # ... escape $$pw for the config parser (RD310) ...\n        exec docker-entrypoint.sh redis-server - \"$$@\" <<EOF\n        requirepass \"$$pw\"\n        EOF\n",
		Check: checkRequirePass,
	},
	{
		ID: "RD310", Title: "wrapper starts redis without a password when the secret is missing", Severity: Error,
		Doc: "requirepass \"$(cat F)\", on the exec line or in the here-document Redis reads on stdin: when F " +
			"is missing cat fails, the password is empty and Redis starts without one. Read into a variable " +
			"with || exit 1 and refuse an empty one. Hand it over on stdin (redis-server -), not in argv, " +
			"where every local user can read it in /proc/PID/cmdline (escape \\ and \" for the config " +
			"parser, as stackgen's wrapper does).",
		Bad: "      - exec docker-entrypoint.sh redis-server --requirepass \"$$(cat /run/secrets/p)\"\n",
		Good: "      - |\n        pw=\"$$(cat /run/secrets/p)\" || exit 1\n        [ -n \"$$pw\" ] || exit 1\n" +
			"        pw=\"$$(sed -e ':a' -e '$$!{N;ba' -e '}' -e 's/[\\\\\"]/\\\\&/g' -e 's/\\n/\\\\n/g' <<EOF\n        $$pw\n        EOF\n        )\" || exit 1\n" +
			"        exec docker-entrypoint.sh redis-server - \"$$@\" <<EOF\n        requirepass \"$$pw\"\n        EOF\n",
		Check: checkWrapper,
	},
	{
		ID: "RD311", Title: "redis-server by absolute path through docker-entrypoint.sh", Severity: Error,
		Doc: "The official image's entrypoint fixes /data's owner and drops to user redis only when its first " +
			"argument is exactly redis-server. /usr/local/bin/redis-server skips both: Redis runs as root.",
		Bad:   "      exec docker-entrypoint.sh /usr/local/bin/redis-server \"$$@\"\n",
		Good:  "      exec docker-entrypoint.sh redis-server \"$$@\"\n",
		Check: checkAbsoluteServer,
	},
	{
		ID: "RD312", Title: "healthcheck that proves nothing or writes", Severity: Error,
		Doc: "Against a server with a password, redis-cli ping prints NOAUTH and exits 0: a check that does not " +
			"authenticate, or trusts the exit code, is always healthy. incr/set checks also write on every " +
			"run. Authenticate with REDISCLI_AUTH from the secret, PING, and compare the reply with PONG.",
		Bad:   "      test: [CMD, redis-cli, --raw, incr, ping]\n",
		Good:  "      test: [CMD, /bin/sh, -c, 'REDISCLI_AUTH=\"$$(cat /run/secrets/p)\" && export REDISCLI_AUTH && [ \"$$(redis-cli ping)\" = PONG ]']\n",
		Check: checkHealthcheck,
	},
	{
		ID: "RD313", Title: "mounted secret that nothing reads", Severity: Warning,
		Doc: "The redis image does not read /run/secrets by itself. A secret mounted into a Redis service and " +
			"named nowhere in its entrypoint, command, healthcheck or environment protects nothing; Redis " +
			"probably runs without the password you meant.",
		Bad:   "    secrets: [redis_password]\n    command: [--appendonly, \"yes\"]\n",
		Good:  "    secrets: [redis_password]\n    entrypoint: [/bin/sh, -c, 'pw=\"$$(cat /run/secrets/redis_password)\" || exit 1; ...']\n",
		Check: checkUnusedSecret,
	},
	{
		ID: "RD314", Title: "append-only file without a volume at the data directory", Severity: Error,
		Doc: "With --appendonly yes Redis writes to /data (or --dir). Swarm never restarts a task in place: it " +
			"starts a new task, with a new container and new anonymous volumes. The old container stays, " +
			"stopped, until Swarm drops the dead task from its history (task-history-retention-limit, 5 by " +
			"default) or the service is removed, and then goes with its anonymous volumes (docker/docker " +
			"daemon/cluster/executor/container/adapter.go, RemoveVolume). Without a named volume or a bind mount " +
			"at the data directory, the AOF is in one of those: at /data in the anonymous volume the official " +
			"image declares (docker-library/redis 6.2/alpine/Dockerfile: VOLUME /data; measured: each task gets " +
			"a new anonymous volume, and the first task's was deleted after the fifth restart), elsewhere in the " +
			"container's writable layer. Either way every restart starts empty, and a few restarts later the " +
			"old data is gone for good. An anonymous volume written in the file (- /data) is the same.",
		Bad:   "    command: [--appendonly, \"yes\"]\n",
		Good:  "    command: [--appendonly, \"yes\"]\n    volumes:\n      - redis_data:/data\n",
		Check: checkAOFVolume,
	},
	{
		ID: "RD315", Title: "node-local data without a single pinned replica", Severity: Warning,
		Doc: "A local volume lives on one node. More replicas or global mode run independent servers; " +
			"start-first updates run two servers on one AOF; without a placement constraint that pins one " +
			"node (node.hostname, node.id or a node label), a rescheduled task starts empty elsewhere.",
		Bad:   "    deploy:\n      replicas: 2\n      update_config:\n        order: start-first\n",
		Good:  "    deploy:\n      replicas: 1\n      update_config:\n        order: stop-first\n      placement:\n        constraints: [node.labels.redis == true]\n",
		Check: checkStateful,
	},
	{
		ID: "SG001", Title: "inline ignore without a rule or a reason", Severity: Error,
		Doc: "An ignore records why a finding is acceptable: # stackgen:ignore ID -- reason. Without a reason " +
			"it does not suppress anything.",
		Bad:  "    ports: [\"6379:6379\"] # stackgen:ignore PL201\n",
		Good: "    ports: [\"6379:6379\"] # stackgen:ignore PL201 -- exporter scraped from the host, firewalled\n",
	},
	{
		ID: "SG002", Title: "inline ignore that matches nothing", Severity: Warning,
		Doc:  "An ignore that suppresses nothing is stale: the problem was fixed or moved. Remove it.",
		Bad:  "    image: redis:6.2-alpine # stackgen:ignore GN401 -- pinned elsewhere\n",
		Good: "    image: redis:6.2-alpine\n",
	},
	{
		ID: "SG003", Title: "inline ignore names an unknown rule", Severity: Warning,
		Doc:  "The ID in a stackgen:ignore must be one of stackgen lint --list-rules.",
		Bad:  "    # stackgen:ignore PL999 -- typo\n",
		Good: "    # stackgen:ignore PL201 -- host-mode port for the exporter\n",
	},
	{
		ID: "SG004", Title: "inline ignore where ignores are disabled", Severity: Error,
		Doc: "With --no-inline-ignores (a central CI) ignores in files do not count; exemptions belong in the " +
			"policy file, where they are reviewed.",
		Bad:  "    # stackgen:ignore PL201 -- trust me\n",
		Good: "exemptions:\n  - service: exporter\n    rules: [PL201]\n    reason: scraped from the host\n",
	},
	{
		ID: "SW101", Title: "key docker stack deploy rejects", Severity: Error,
		Doc: "docker stack deploy validates against the schema of the file's own Compose format version " +
			"(docker/cli cli/compose/schema/data/config_schema_v3.0.json to v3.13.json; 3.13 without version:): " +
			"top-level name: and include:, unknown keys anywhere, keys newer than the file's version (init needs " +
			"3.7, start_period 3.4), x- keys before 3.4 (3.7 inside a service) or under deploy, and names outside " +
			"[a-zA-Z0-9._-] are rejected with \"Additional property X is not allowed\". A key that is not a " +
			"string (1, true, null, a date), anywhere in the file, x- extensions included, fails before the " +
			"schema is applied: at the top level with \"top-level object must be a mapping\" (cli/compose/loader/" +
			"loader.go ParseYAML), below it with \"json: unsupported type: map[interface {}]interface {}\" " +
			"(cli/compose/schema/schema.go Validate hands the file to gojsonschema as JSON). Quote it: \"6379\":. " +
			"stackgen lint --fix removes a top-level name: (the stack's name is docker stack deploy's argument) and " +
			"moves mem_reservation, cpus, pids_limit and scale to deploy.resources.reservations.memory, " +
			"limits.cpus, limits.pids (raising a 3.x version below 3.9 to 3.9) and deploy.replicas, which " +
			"convertResources and convertDeployMode (cli/compose/convert/service.go) read.",
		Bad:   "name: wheel_analyzer\nservices:\n",
		Good:  "version: \"3.8\"\nservices:\n",
		Check: checkUnknownKeys,
	},
	{
		ID: "SW102", Title: "version that docker stack deploy rejects", Severity: Error,
		Doc: "version must be a quoted string from \"3.0\" to \"3.13\": an unquoted 3.8 is a number (\"version " +
			"must be a string\"). Files merged with -c A -c B must all name the same version (\"version " +
			"mismatched between two composefiles\", cli/compose/loader/loader.go).",
		Bad:   "version: 3.8\n",
		Good:  "version: \"3.8\"\n",
		Check: checkVersion,
	},
	{
		ID: "SW103", Title: "no version", Severity: Info,
		Doc: "A Docker CLI before 23 reads a file without version: as version 1.0, for which it has no " +
			"schema, and refuses it: \"unsupported Compose file version: 1.0\" (cli/compose/schema/schema.go " +
			"defaultVersion \"1.0\" up to v20.10). CLI 23 reads it as 3.10, and later ones as their newest " +
			"schema (3.13 since 27). Each CLI reads the versions whose schema it embeds " +
			"(cli/compose/schema/data/config_schema_v3.N.json): up to 3.8 from 19.03, 3.9 from 20.10, 3.10 " +
			"from 23, 3.11 from 24, 3.12 from 25, 3.13 from 27. A quoted version keeps old and new CLIs " +
			"working. SW103 names the lowest version whose schema has every key and form the file uses " +
			"(pids 3.9, start_interval 3.12, x- keys at the top 3.4, the long ports syntax 3.2, ...), so the " +
			"file works on as many CLIs as it can; a file that needs 3.10 or later only deploys with CLI 23 " +
			"or later, version or not. It is written \"3.0\", not \"3\": docker reads both as 3.0 (normalizeVersion), " +
			"but \"3\" reads to people as the newest 3.x. A key no 3.x schema has (pids_limit) does not count. stackgen lint " +
			"--fix --add-version adds the version, quoted, as the first key (after leading comments and a BOM), " +
			"computed after its other fixes: pids written from pids_limit needs 3.9. --fix alone does not: files " +
			"deployed together (docker stack deploy -c A -c B) must carry the same version, a missing one " +
			"counting as the CLI's newest, and docker refuses a pair that differs (\"version mismatched between " +
			"two composefiles : 3.0 and 3.13\", cli/compose/loader/loader.go; measured with CLI 28.2.2).",
		Bad:   "services:\n",
		Good:  "version: \"3.0\"\nservices:\n",
		Check: checkVersionMissing,
	},
	{
		ID: "SW104", Title: "forbidden property", Severity: Error,
		Doc: "extends, mem_limit, memswap_limit, cpu_quota, cpu_shares, cpuset, volume_driver and volumes_from " +
			"are refused as a service's keys before anything else is checked (cli/compose/types/types.go " +
			"ForbiddenProperties, cli/compose/loader/loader.go validateForbidden). docker stack deploy fails with " +
			"\"Compose file contains unsupported options:\" and one line per key with its description, e.g. " +
			"\"mem_limit: Set resource limits using deploy.resources\" (cli/command/stack/loader/loader.go " +
			"LoadComposefile); docker stack config prints only \"Configuration contains forbidden properties\" " +
			"(loader.go ForbiddenPropertiesError). Set limits and reservations under deploy.resources, declare a " +
			"volume's driver under the top-level volumes:, and flatten extends by hand. stackgen lint --fix moves " +
			"mem_limit to deploy.resources.limits.memory, which convertResources (cli/compose/convert/service.go) " +
			"reads; the other keys have no Swarm equivalent and stay.",
		Bad:   "    mem_limit: 512m\n",
		Good:  "    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
		Check: checkForbidden,
	},
	{
		ID: "SW105", Title: "value docker stack deploy rejects", Severity: Error,
		Doc: "The stack loader is strict about types (cli/compose/schema/data/config_schema_v3.*.json): memory, " +
			"cpus, durations and uid/gid must be strings; published and target ports and secret modes numbers; " +
			"label and environment values strings, numbers or null (true must be quoted); depends_on a list; " +
			"shm_size a string (the schema allows a number, the loader does not); " +
			"driver_opts a mapping of strings or numbers; list items unique. A ${VAR} is interpolated first and " +
			"cast to a number or boolean at the paths of cli/compose/loader/interpolate.go. The loader then " +
			"refuses what it cannot convert (cli/compose/loader/loader.go, volume.go): a volume spec with an " +
			"empty section (:/media/ after an unset variable) or too many colons, a bind mount without a " +
			"source, a memory size go-units cannot parse, external volumes with driver, driver_opts or labels, " +
			"external.name together with name, a secret with both driver and file. stackgen lint --fix writes a " +
			"quoted published or target port as an integer, a boolean label or environment value as the string " +
			"\"true\" or \"false\" docker compose passes on, and a long-form depends_on as the list (its " +
			"conditions are lost, and said so: Swarm starts services in no order).",
		Bad:   "          cpus: 0.5\n          memory: 512\n",
		Good:  "          cpus: \"0.50\"\n          memory: 512M\n",
		Check: checkTypes,
	},
	{
		ID: "SW106", Title: "option docker stack deploy ignores", Severity: Warning,
		Doc: "docker stack deploy accepts and then ignores build, cgroupns_mode, cgroup_parent, devices, " +
			"domainname, external_links, ipc, links, mac_address, network_mode, pid, privileged, security_opt, " +
			"shm_size and userns_mode (\"Ignoring unsupported options\", cli/compose/types/types.go " +
			"UnsupportedProperties; cli/compose/convert/service.go never reads them) and container_name and " +
			"expose (\"Ignoring deprecated options\"). It also drops depends_on and tmpfs without a word (convert " +
			"never reads them), and oom_score_adj, which the 3.13 schema accepts but the loader never fills " +
			"(ServiceConfig.OomScoreAdj has no mapstructure tag), so they are listed too. restart is in the " +
			"warning but is not ignored: without deploy.restart_policy convertRestartPolicy turns it into one " +
			"(GN403, SW113; a value it cannot convert fails the deploy, SW117); with one, it is ignored. A key that the file's version does not have yet " +
			"(cgroupns_mode before 3.9, oom_score_adj before 3.13) is refused by the schema (SW101), not ignored. " +
			"A host IP on a port is dropped. The file does not do what it says. stackgen lint --fix writes " +
			"restart: as the deploy.restart_policy convertRestartPolicy makes of it (\"no\" as condition none, " +
			"which is what it says); it never drops a host IP, which would widen what the file exposes. " +
			"A link with an alias (web's links: [db:database]) lets web reach db as database under docker " +
			"compose; Swarm's equivalent is a network alias of db on a network both are on, which " +
			"convertServiceNetworks (cli/compose/convert/service.go) passes to the service's network attachment. " +
			"--fix writes it where that is plain: neither service has networks: (db gets networks: {default: " +
			"{aliases: [database]}}, which keeps it on default alone), or db's networks: is a block mapping with " +
			"a network web is on (the alias goes under the first such entry). It then removes the link, and a " +
			"link without an alias too (db resolves by its service name on any network the two share), and " +
			"notes that the alias is seen by every service on that network, not only by web. List-form " +
			"networks on db, no shared network, flow style, anchors, a service not in the file and an alias " +
			"given to two services are left, and SW106 stays.",
		Bad:   "    depends_on: [db]\n    tmpfs: /run\n",
		Good:  "    # no depends_on: the entrypoint waits for db itself\n    volumes:\n      - type: tmpfs\n        target: /run\n",
		Check: checkIgnored,
	},
	{
		ID: "SW107", Title: "undefined network, volume, secret or config", Severity: Error,
		Doc: "docker stack config accepts a reference to a network, volume, secret or config the file does not " +
			"declare (only the network default needs no declaration). docker stack deploy then fails on the " +
			"client, in convert (cli/compose/convert/service.go convertServiceNetworks, convertServiceSecrets, " +
			"convertServiceConfigObjs; convert/volume.go handleVolumeToMount): \"service redis: undefined secret " +
			"\\\"x\\\"\". But it has already created the stack's networks, secrets and configs " +
			"(cli/command/stack/swarm/deploy_composefile.go deployCompose runs convert.Services after them), an " +
			"overlay STACK_x for the undeclared network x itself among them (convert/compose.go Networks creates " +
			"every network a service names): a half-done deploy, with no service created or updated. host and " +
			"ingress are no exception: an undeclared networks: [host] is an overlay STACK_host and the same " +
			"failure, not the node's network (that is an external network named host, GN404).",
		Bad:   "    secrets: [redis_password]\n# no top-level secrets:\n",
		Good:  "    secrets: [redis_password]\nsecrets:\n  redis_password:\n    external: true\n",
		Check: checkUndefined,
	},
	{
		ID: "SW108", Title: "name Swarm refuses", Severity: Error,
		Doc: "docker stack deploy does not check names; the manager or the node refuses them. Secrets and " +
			"configs (swarmkit manager/controlapi/common.go validateConfigOrSecretAnnotations): letters, digits, " +
			"'-', '_' and '.', starting and ending with a letter or digit, at most 64 characters. Overlay " +
			"networks and services (validateAnnotations, isValidDNSName): DNS name components, letters and digits " +
			"with '-' or '_' only between them (no '.'), at most 63 characters (\"name must be valid as a DNS name " +
			"component\"). A service is named STACK_SERVICE, so web.api and tail- are refused; deploy creates " +
			"services one by one, in no fixed order, after the stack's networks, secrets and configs " +
			"(cli/command/stack/swarm/deploy_composefile.go), which a refused service leaves behind. Local " +
			"volumes (docker/docker volume/local/local.go validateName): a letter or digit, then one or more " +
			"letters, digits, '_', '.' and '-', at most 255 characters. Worse than a refusal, nothing checks a " +
			"volume name before a node creates the volume for a task: deploy succeeds, every task that mounts " +
			"it is rejected, and the service stays at 0/1 (measured with _auditv). An object without a name " +
			"(or with an empty one, such as an unset ${VAR}) that is not external is named STACK_key (docker/cli " +
			"cli/compose/convert), so its key is judged after that prefix; lint does not know the stack's name " +
			"and leaves room for one letter. Measured with Engine 20.10.24 as well.",
		Bad:   "secrets:\n  redis password:\n    external: true\n",
		Good:  "secrets:\n  redis_password:\n    external: true\n",
		Check: checkNames,
	},
	{
		ID: "SW109", Title: "invalid interpolation", Severity: Error,
		Doc: "Every $ in a value, x- extensions included, starts a variable; a shell's $(...) or $var in a " +
			"script must be written $$ or docker stack deploy fails with \"invalid interpolation format\". " +
			"Docker's grammar (cli/compose/template/template.go) is smaller than compose-go's: $VAR, ${VAR}, " +
			"${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; no ${VAR:+x}, and a default is not " +
			"itself interpolated (${A:-${B}} leaves the text ${B}). A required variable that is unset fails too.",
		Bad:   "    entrypoint: [/bin/sh, -c, 'pw=\"$(cat /run/secrets/p)\"']\n",
		Good:  "    entrypoint: [/bin/sh, -c, 'pw=\"$$(cat /run/secrets/p)\"']\n",
		Check: checkInterpolation,
	},
	{
		ID: "SW110", Title: "more than one YAML document", Severity: Warning,
		Doc:   "docker stack deploy reads only the first document of a file; what follows --- is silently dropped.",
		Bad:   "services:\n  a: {image: a:1}\n---\nservices:\n  b: {image: b:1}\n",
		Good:  "services:\n  a: {image: a:1}\n  b: {image: b:1}\n",
		Check: checkMultiDoc,
	},
	{
		ID: "SW111", Title: "service without a valid image", Severity: Error,
		Doc: "docker stack deploy refuses, before contacting the daemon, a service with no image (build: is " +
			"ignored) or an image that is not a valid reference after interpolation, such as an unset " +
			"${TAG} leaving redis: (cli/command/stack/loader/loader.go: \"invalid image reference for service " +
			"S\"). docker stack config does not check this.",
		Bad:   "    build: .\n",
		Good:  "    image: registry.example.com/app:1.4.2\n",
		Check: checkImageRef,
	},
	{
		ID: "SW112", Title: "env_file that does not exist", Severity: Error,
		Doc: "docker stack config and deploy read every env_file on the client, relative to the stack file's " +
			"directory, and fail on a missing one (\"open F: no such file or directory\", F the path joined to " +
			"that directory; measured). Checked when " +
			"the linter is given the stack file's directory (the CLI always is; stdin resolves against the " +
			"working directory).",
		Bad:   "    env_file: .env.production\n# no .env.production beside the stack file\n",
		Good:  "    environment:\n      LOG_LEVEL: info\n",
		Check: checkEnvFile,
	},
	{
		ID: "SW113", Title: "restart max_attempts without window", Severity: Warning,
		Doc: "Swarm counts restart_policy.max_attempts over the whole life of the service's spec version when " +
			"there is no window (swarmkit manager/orchestrator/restart/restart.go, shouldRestart): after that " +
			"many restarts the task is never restarted again until the service is updated, so one bad night " +
			"leaves the service at 0/1 for good (measured: max_attempts 3, a fourth docker kill, 0/1 until " +
			"docker service update --force). A window makes it a budget per window: only restarts within " +
			"the last window count. But a slot refused a restart stays dead too, even after the window " +
			"passes; nothing retries it. For a server, leave max_attempts out (Swarm's default: no limit, " +
			"with delay between attempts) and let the healthcheck and monitoring catch a crash loop. restart: " +
			"on-failure:N without deploy.restart_policy is the same budget: docker stack deploy converts it to " +
			"condition on-failure with max_attempts N and no window (cli/compose/convert/service.go " +
			"convertRestartPolicy; measured: {\"Condition\":\"on-failure\",\"MaxAttempts\":3} for on-failure:3).",
		Bad:   "      restart_policy:\n        condition: any\n        max_attempts: 3\n",
		Good:  "      restart_policy:\n        condition: any\n        delay: 5s\n",
		Check: checkRestartBudget,
	},
	{
		ID: "SW114", Title: "placement constraint Swarm refuses or never matches", Severity: Error,
		Doc: "docker stack config passes any string as a constraint; the daemon parses it with swarmkit's " +
			"grammar (manager/constraint/constraint.go Parse), as lint does: KEY == VALUE or KEY != VALUE (== is " +
			"looked for first), both trimmed of spaces; a key starts with a letter or '_' and has at least two " +
			"characters, all letters, digits, '.', '-' and '_'; a value is one or more of letters, digits, " +
			"whitespace and : - _ . * ( ) ? + [ ] \\ ^ $ | / and nothing else, so a@b, a=b or a,b is refused. " +
			"Anything else fails the deploy (\"constraint expected one operator from ==, !=\", \"key ... is " +
			"invalid\", \"value ... is invalid\"). A key other than node.id, " +
			"node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, node.labels.* and " +
			"engine.labels.* parses, but matches no node with either operator: the task stays pending.",
		Bad:   "      placement:\n        constraints: [node.role = worker, node.label.redis == true]\n",
		Good:  "      placement:\n        constraints: [node.role == worker, node.labels.redis == true]\n",
		Check: checkConstraints,
	},
	{
		ID: "SW115", Title: "network with a driver Swarm services cannot use", Severity: Error,
		Doc: "docker stack deploy creates the networks its services name before the services, with the file's " +
			"driver (cli/command/stack/swarm/deploy_composefile.go createNetworks; overlay when driver is left " +
			"out or empty). A bridge, macvlan or ipvlan network is then local to the node deploy runs on " +
			"(libnetwork's drivers are local-scoped, and stack deploy asks for no swarm scope), and the daemon " +
			"refuses every service on it: \"The network STACK_x cannot be used with services. Only networks " +
			"scoped to the swarm can be used, such as those created with the overlay driver.\" (docker/docker " +
			"daemon/cluster/networks.go populateNetworkID). The deploy fails and the network stays behind. " +
			"Judged after interpolation, so driver: ${NET_DRIVER:-bridge} counts; a network no service names " +
			"is never created and not reported. Leave driver out, or write overlay; stackgen lint --fix writes " +
			"overlay for bridge (in a ${VAR:-bridge} default too), unless driver_opts (the bridge driver's) are set.",
		Bad:   "networks:\n  app_main:\n    driver: bridge\n",
		Good:  "networks:\n  app_main:\n    driver: overlay\n",
		Check: checkLocalNetworks,
	},
	{
		ID: "SW116", Title: "volume that docker reads as a Windows drive", Severity: Error,
		Doc: "docker/cli splits a short volume spec on ':' but keeps a single letter followed by ':' together, " +
			"as a Windows drive (cli/compose/loader/volume.go ParseVolume, isWindowsDrive). So v:/data, meant as " +
			"the volume v at /data, is an anonymous volume at the target v:/data, and w:/data:ro a bind mount of " +
			"w:/data at ro. Nothing refuses it before a node starts a task: docker stack config and deploy take " +
			"it, and each node's executor rejects every task because a mount target (or a bind source) must be " +
			"an absolute path (docker/docker daemon/cluster/executor/container/validate.go validateMounts), so " +
			"the service never runs a replica (measured for v:/data: every task rejected, 0/1). No other rule " +
			"covers it: SW105 is what the client refuses, and SW107 does not see a reference, since docker sees " +
			"none. Give the volume a name of two characters or more, or use the long syntax.",
		Bad:   "    volumes:\n      - v:/data\nvolumes:\n  v: {}\n",
		Good:  "    volumes:\n      - redis_data:/data\nvolumes:\n  redis_data: {}\n",
		Check: checkDriveVolumes,
	},
	{
		ID: "SW117", Title: "restart: value docker stack deploy cannot convert", Severity: Error,
		Doc: "Without deploy.restart_policy, docker stack deploy converts restart: itself " +
			"(cli/compose/convert/service.go convertRestartPolicy, parsed by opts/parse.go ParseRestartPolicy): " +
			"\"no\", always, unless-stopped and on-failure[:N] are the names it knows, spelled exactly so. " +
			"Anything else (sometimes, Always, on-failure:x, :3) passes docker stack config, whose schema only " +
			"asks for a string, and fails the deploy on the client: \"service redis: unknown restart policy: " +
			"sometimes\". Like SW107, that happens after the stack's networks, secrets and configs were " +
			"created (cli/command/stack/swarm/deploy_composefile.go), with no service created or updated. " +
			"Write one of the four, or say it in deploy.restart_policy (then restart: is ignored, SW106).",
		Bad:   "    restart: sometimes\n",
		Good:  "    deploy:\n      restart_policy:\n        condition: on-failure\n",
		Check: checkRestartConvert,
	},
}
