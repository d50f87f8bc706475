#!/usr/bin/env bash
# Runs examples/slurm-grid.sbatch under a real SLURM on this one machine, end to end:
#  1. installs Debian's slurm-wlm and munge (if missing),
#  2. starts munged, writes a one-node slurm.conf for this machine (CPUs and memory from `slurmd -C`)
#     and starts slurmctld and slurmd on localhost (state, logs and config in one work folder),
#  3. submits the sbatch file as a job array over the quick grid (examples/grid-quick.json with
#     --preset quick: 4 cells, a 2,000-image training subset, 3 epochs),
#  4. scancels one cell after its first epoch and requeues it (it must resume, not restart),
#  5. waits, runs `losslab summary`, checks that every cell finished exactly once (one run-end
#     "done" per cell, each epoch once in its results CSV), and stops the daemons it started.
# Run as root from a built clone (npm ci && npx turbo run build), with CIFAR-10:
#   CIFAR10_DIR=/path/to/cifar-10-batches-bin bash scripts/slurm-local.sh [WORK_DIR]
# Exit 0 only if every check passed. Takes about 2–4 minutes on 2 CPU cores (lavapipe).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { echo "slurm-local: $*"; }
die() { echo "slurm-local: $*" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || die "run as root: it installs packages and starts munged/slurmctld/slurmd"
[ -n "${CIFAR10_DIR:-}" ] && [ -f "$CIFAR10_DIR/test_batch.bin" ] || die "set CIFAR10_DIR to the CIFAR-10 binary folder (data_batch_1.bin … test_batch.bin)"
[ -f packages/experiments/dist/cli.js ] || die "not built: run \`npm ci && npx turbo run build\` first"
losslab() { node "$root/packages/experiments/bin/losslab.js" "$@"; }

work=$(realpath -m "${1:-$(mktemp -d -t losslab-slurm.XXXXXX)}")
mkdir -p "$work/state" "$work/spool" "$work/logs"
export PRESET=quick GRID=examples/grid-quick.json OUT=$work/results/grid-quick
KILL_CELL=${KILL_CELL:-0}
say "work folder $work"
start=$SECONDS

# 1. packages
missing=""
for p in slurm-wlm munge; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  say "installing$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
say "slurm-wlm $(dpkg-query -W -f='${Version}' slurm-wlm), munge $(dpkg-query -W -f='${Version}' munge)"

# 2. munge, slurm.conf, daemons (stopped on exit, whatever happens)
started=()
stop_daemons() {
  if [ -n "${jobid:-}" ]; then scancel "$jobid" 2>/dev/null || true; fi
  for f in "$work/slurmd.pid" "$work/slurmctld.pid"; do
    [ -n "$f" ] && [ -f "$f" ] || continue
    pid=$(cat "$f"); kill "$pid" 2>/dev/null && say "stopped $(basename "$f" .pid) (pid $pid)" || true
  done
  if [ -n "${started_munged:-}" ]; then runuser -u munge -- /usr/sbin/munged --stop >/dev/null 2>&1 && say "stopped munged" || true; fi
}
trap stop_daemons EXIT
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "munged already running"
else
  [ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  started_munged=1
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  say "started munged"
fi

node_name=$(hostname -s)
hw=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$node_name NodeAddr=127.0.0.1/; s/ UpTime=.*//")
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
# One-node SLURM for scripts/slurm-local.sh (generated)
ClusterName=losslab-local
SlurmctldHost=$node_name(127.0.0.1)
SlurmctldPort=${SLURM_LOCAL_PORT:-6917}
SlurmdPort=$(( ${SLURM_LOCAL_PORT:-6917} + 1 ))
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=1
MpiDefault=none
MailProg=/bin/true
$hw State=UNKNOWN
PartitionName=local Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
CONF
say "slurm.conf: $hw"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
daemon_dead() { # a daemon that exits at start (a port in use, say) is named with its log's last fatal line
  local name=$1 pidf=$work/$1.pid
  [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null && return 1
  die "$name exited: $(grep -h -E 'fatal|error' "$work/$name.log" 2>/dev/null | tail -1) (see $work/$name.log; SLURM_LOCAL_PORT picks other ports)"
}
for i in $(seq 60); do
  if [ "$i" -gt 10 ]; then daemon_dead slurmctld || true; daemon_dead slurmd || true; fi
  state=$(timeout 5 sinfo -h -N -o %T 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  [ "$i" = 60 ] && die "node not idle after 60 s (state '${state}'); see $work/slurmctld.log and $work/slurmd.log"
  sleep 1
done
say "slurmctld (pid $(cat "$work/slurmctld.pid")) and slurmd (pid $(cat "$work/slurmd.pid")) up; node $node_name idle"

# 3. the job array: one task per cell of the grid
losslab run --preset "$PRESET" --config "$GRID" --out "$OUT" --list > "$work/cells.txt"
cells=$(grep -c '^\* ' "$work/cells.txt")
[ "$cells" -ge 4 ] || die "the grid has $cells cells; want at least 4"
# On this machine: no GPU to request, one core per task (two cells at a time on two cores).
jobid=$(sbatch --parsable --array=0-$((cells - 1)) --gres=none --cpus-per-task=1 \
  --output="$work/logs/%x-%A_%a.out" --export=ALL,LOSSLAB_HOME="$root" examples/slurm-grid.sbatch)
say "submitted job array $jobid (tasks 0-$((cells - 1))): $PRESET preset, $GRID, out $OUT"
log() { echo "$work/logs/losslab-grid-${jobid}_$1.out"; }
task_state() { scontrol -o show job "${jobid}_$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }

# 4. cancel one cell after its first completed epoch, then requeue it
for i in $(seq 600); do
  grep -qs '"event":"epoch".*"epoch":1,' "$(log "$KILL_CELL")" && break
  [ "$i" = 600 ] && die "cell $KILL_CELL did not finish an epoch in 10 minutes; see $(log "$KILL_CELL")"
  sleep 1
done
scancel "${jobid}_$KILL_CELL"
for _ in $(seq 60); do [ "$(task_state "$KILL_CELL")" = CANCELLED ] && break; sleep 1; done
say "cell $KILL_CELL: scancel after epoch 1 → $(task_state "$KILL_CELL")"
scontrol requeue "${jobid}_$KILL_CELL"
scontrol update JobId="${jobid}_$KILL_CELL" StartTime=now   # SLURM holds a requeued job ~2 min by default
say "cell $KILL_CELL: scontrol requeue → $(task_state "$KILL_CELL")"

# 5. wait for the array, then summary and checks
t0=$SECONDS
while [ -n "$(squeue -h -j "$jobid" 2>/dev/null)" ]; do
  [ $((SECONDS - t0)) -gt 1200 ] && die "the array is still running after 20 minutes; see $work/logs"
  sleep 2
done
say "array finished in about $((SECONDS - t0)) s after the requeue; task states: $(for k in $(seq 0 $((cells - 1))); do printf '%s=%s ' "$k" "$(task_state "$k")"; done)"
losslab summary "$OUT" | sed 's/^/  /'
node --input-type=module - "$OUT" "$work" "$jobid" "$cells" "$KILL_CELL" <<'JS'
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const [out, work, jobid, cells, killed] = process.argv.slice(2);
const logs = join(work, 'logs');
// `losslab run --list`: "* <index>\t<id>\t<run folder>"
const dirs = Object.fromEntries(readFileSync(join(work, 'cells.txt'), 'utf8').split('\n').filter((l) => l.startsWith('* ')).map((l) => l.slice(2).split('\t')).map(([k, , dir]) => [k, dir]));
const problems = [];
const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
const epochs = study.config.epochs;
for (let k = 0; k < Number(cells); k++) {
  const lines = readFileSync(join(logs, `losslab-grid-${jobid}_${k}.out`), 'utf8').split('\n').filter((l) => l.startsWith('{'));
  const events = lines.map((l) => JSON.parse(l));
  const starts = events.filter((e) => e.event === 'run-start');
  const ends = events.filter((e) => e.event === 'run-end');
  const run = starts[0]?.run;
  const done = ends.filter((e) => e.status === 'done');
  if (!run) { problems.push(`cell ${k}: no run-start in its log`); continue; }
  const runDir = join(out, dirs[k]);
  const csv = readFileSync(join(runDir, `${run.label}_results.csv`), 'utf8').trim().split('\n').slice(1).map((r) => Number(r.split(',')[0]));
  const status = JSON.parse(readFileSync(join(runDir, `${run.label}_status.json`), 'utf8'));
  const onceEach = csv.length === epochs && csv.every((e, i) => e === i + 1);
  const resumed = starts.slice(1).map((s) => `resumed=${s.resumed} at epoch ${s.startEpoch}`).join(', ');
  console.log(`  cell ${k} ${run.id}: ${starts.length} start(s)${resumed ? ` (${resumed})` : ''}, run-end done ×${done.length}, CSV epochs [${csv}], status ${status.status} ${status.epochsDone}/${status.epochs}`);
  if (done.length !== 1) problems.push(`cell ${k}: finished ${done.length} times`);
  if (!onceEach) problems.push(`cell ${k}: results CSV epochs [${csv}], want 1..${epochs} once each`);
  if (status.status !== 'done' || status.epochsDone !== epochs) problems.push(`cell ${k}: status ${status.status} ${status.epochsDone}/${epochs}`);
  if (String(k) === killed && !(starts.length === 2 && starts[1].resumed && starts[1].startEpoch > 1)) problems.push(`cell ${k} was cancelled and requeued but did not resume (${starts.length} starts)`);
}
const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const rows = summary.groups.flatMap((g) => g.rows.map((r) => `${r.label} (${g.data}, ${g.arch}): n=${r.n}, test acc ${r.final.test_acc.mean.toFixed(4)}`));
console.log(`  summary.json: ${rows.join('; ')}`);
if (summary.groups.reduce((a, g) => a + g.rows.reduce((b, r) => b + r.n, 0), 0) !== Number(cells)) problems.push(`summary.json does not count ${cells} runs`);
if (problems.length) { console.error(problems.map((p) => `slurm-local: FAIL ${p}`).join('\n')); process.exit(1); }
console.log(`slurm-local: OK — ${cells} cells finished exactly once each; cell ${killed} was cancelled after epoch 1, requeued and resumed`);
JS
say "total $((SECONDS - start)) s"
