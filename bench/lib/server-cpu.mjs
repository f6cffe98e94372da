import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by a `wrangler dev` and its workerd (one process group), read from
 * /proc (Linux): on a shared machine throughput swings with other load, CPU per event much less.
 * workerd exposes no per-request CPU accounting locally, so this is the measure the benches use.
 * @param {number} pgrp
 */
export function serverCpuSeconds(pgrp) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[2]) === pgrp) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process exited while we looked
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * The process group of the `wrangler dev` listening on `port`, or null (not Linux, not found).
 * @param {number} port
 */
export function devServerGroup(port) {
  let names = [];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of names) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('wrangler-dist/cli.js') || a.endsWith('.bin/wrangler')) && cmd.includes(String(port))) {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]);
      }
    } catch {
      // the process exited while we looked
    }
  }
  return null;
}
