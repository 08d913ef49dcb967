/* SPDX-License-Identifier: MIT */
/*
 * calib.h - calibration: a cost profile for a host from the results of
 * "make bench" on it (sim/benchres.h reads them).
 *
 * The derivation starts from the built-in profile (fx_cost_defaults())
 * and overrides each parameter a measurement determines, following the
 * engine's own sum of charges so that the model reproduces the measured
 * whole (docs/calibration.md gives every formula and why):
 *
 *   syscall.entry, .exit  null_syscall ns_per_op / 2
 *   key.private           futex_wake_empty(shared=0) - null_syscall
 *                         - hash.jhash2 - line.hit             (>= 0)
 *   key.shared            key.private + futex_wake_empty(shared=1)
 *                         - futex_wake_empty(shared=0)         (>= 0)
 *   chain.step.local      least-squares slope of chain_walk wake_ns on L
 *   line.xfer, lock.handoff  pingpong_line ns_per_transfer, distance 10
 *   chain.step.remote     pingpong_line at the largest distance + line.hit
 *   ctx.switch            ctx_switch ns_per_switch - syscall.entry
 *                         - syscall.exit (one sched_yield per switch)
 *   wake.up               wake_latency(idle) wake_call_ns (the waker's
 *                         FUTEX_WAKE; else wake(nwake=1) wake_ms / T)
 *                         - the empty wake - lock.uncontended - wake.mark
 *   ipi.local             wake_latency(busy, distance 10) p50 - its
 *                         wake_call_ns - ctx.switch
 *   ipi.remote            the same at the largest distance
 *   idle.exit             (idle p50 - its wake_call_ns) - (busy p50 -
 *                         its wake_call_ns), distance 10
 *   distance.matrix       the host's SLIT (nodes > 1), each off-diagonal
 *                         entry D replaced by 10 x pingpong(D) /
 *                         pingpong(10) when pingpong_line measured D
 *
 * A parameter whose measurement is missing keeps its built-in value and
 * says "not measured" in its comment.  A difference that comes out
 * negative is set to 0 and says so.  Medians are taken over CPU pairs.
 */
#ifndef FX_CALIB_H
#define FX_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "benchres.h"
#include "cost.h"

/* item id of the distance matrix (the others are enum fx_cost_id) */
#define FX_CALIB_MATRIX		FX_COST_NR
#define FX_CALIB_MAX_ITEMS	24
#define FX_CALIB_NOTE_LEN	512

/* struct fx_calib_item - one parameter the derivation decided on */
struct fx_calib_item {
	int id;			/* enum fx_cost_id, or FX_CALIB_MATRIX */
	bool measured;		/* true: set from the measurements */
	double value;		/* ns (or the unitless value) it was set to;
				   the built-in one when !measured */
	char note[FX_CALIB_NOTE_LEN];	/* measured: "benchmark/metric:
					   formula = value"; else why not */
};

/* struct fx_calib - a derived profile and where each value came from */
struct fx_calib {
	struct fx_cost cost;		/* the profile: built-in + overrides */
	char host[64];			/* from bench.csv */
	char kernel[96];
	char date[40];			/* from the directory name, or "undated" */
	int cpus, nodes;
	unsigned slit[FX_COST_MAX_NODES * FX_COST_MAX_NODES]; /* the host's */
	unsigned nitems;
	struct fx_calib_item item[FX_CALIB_MAX_ITEMS];
};

/**
 * fx_calib_date - the run's UTC date from a results path
 * @path: a results directory "<host>-YYYYmmddTHHMMSSZ" (a trailing '/'
 *        or a final "/bench.csv" is allowed)
 * @buf:  receives "YYYY-mm-ddTHH:MM:SSZ", or "undated" if the name has none
 * @len:  size of @buf (at least 21)
 */
void fx_calib_date(const char *path, char *buf, size_t len);

/**
 * fx_calib_derive - derive a cost profile from measurements
 * @set:    the rows of one bench.csv (fx_benchres_load())
 * @date:   the run's date for the comments (fx_calib_date()), or NULL
 * @cal:    filled on success (the profile in @cal->cost)
 * @err:    on error "FILE:LINE: what was expected"
 * @errlen: size of @err
 *
 * Every row must name the same host, kernel, cpus, nodes and distances
 * (one run per directory).  A figure the derivation uses must have its
 * expected unit, a positive value, and well-formed params.  Missing
 * benchmarks are not errors: their parameters keep the built-in values.
 *
 * Return: 0, or -EINVAL (inconsistent or malformed rows, no rows at
 * all) with @err set.
 */
int fx_calib_derive(const struct fx_benchres_set *set, const char *date,
		    struct fx_calib *cal, char *err, size_t errlen);

/**
 * fx_calib_find - the item of parameter @id
 * Return: the item, or NULL if the derivation did not consider @id.
 */
const struct fx_calib_item *fx_calib_find(const struct fx_calib *cal, int id);

/**
 * fx_calib_write - write @cal as a loadable profile
 * @cal: derived profile
 * @out: stream
 *
 * fx_cost_dump() of the profile (every parameter, exact values), with the
 * comment of each parameter the derivation considered replaced by
 * "calibrated: HOST KERNEL DATE, NOTE" or "not measured on HOST ...:
 * built-in value kept (NOTE)".  fx_cost_load() of the output gives back
 * @cal->cost's values.
 *
 * Return: 0, -ENOMEM or -EIO.
 */
int fx_calib_write(const struct fx_calib *cal, FILE *out);

/**
 * fx_calib_print - one line per considered parameter, for humans
 * @cal: derived profile
 * @out: stream
 */
void fx_calib_print(const struct fx_calib *cal, FILE *out);

#endif /* FX_CALIB_H */
