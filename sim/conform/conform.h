/* SPDX-License-Identifier: MIT */
/*
 * conform.h - private interfaces of the conformance harness (sim/conform):
 * the scenario text parser and printer, the incremental model runner, the
 * trace comparison, the random differential generator and minimiser.
 *
 * scenario.h is the contract shared with the live-kernel runner; this
 * header is only for the files of this folder and their unit tests.
 */
#ifndef FX_CONFORM_CONFORM_H
#define FX_CONFORM_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conform/scenario.h"

/* Raw-address conventions (struct fxc_addr with futex < 0). */
#ifndef FXC_RAW_UNMAPPED
#define FXC_RAW_UNMAPPED	1	/* an address with nothing mapped */
#endif
#ifndef FXC_RAW_PROT_NONE
#define FXC_RAW_PROT_NONE	2	/* a runner-owned PROT_NONE page */
#endif

/* ---- scenarios (parse.c) ---- */

/* fxc_scenario_init - an empty scenario with the implicit process P1. */
void fxc_scenario_init(struct fxc_scenario *sc);
/* fxc_scenario_free - free the step array; @sc may be reused after init. */
void fxc_scenario_free(struct fxc_scenario *sc);
/* fxc_scenario_copy - deep copy; 0 or -ENOMEM. */
int fxc_scenario_copy(struct fxc_scenario *dst, const struct fxc_scenario *src);
/* fxc_scenario_add_step - a zeroed step appended to @sc, or NULL. */
struct fxc_step *fxc_scenario_add_step(struct fxc_scenario *sc);
/* fxc_step_init - zero @s with the defaults the parser uses. */
void fxc_step_init(struct fxc_step *s);
/* fxc_scenario_requires - @sc lists @feature in its requires line. */
bool fxc_scenario_requires(const struct fxc_scenario *sc, const char *feature);

/**
 * fxc_parse_file - parse a scenario file (docs/conform-format.md)
 * @path: file name (also used in messages)
 * @sc:   out; initialised here, free with fxc_scenario_free()
 * @err:  message buffer: "file:line: ..." naming the token and what was
 *        expected
 * @errlen: its size
 *
 * Return: 0, or -EINVAL (bad input, @err says why), -ENOENT/-EIO/-ENOMEM.
 */
int fxc_parse_file(const char *path, struct fxc_scenario *sc, char *err,
		   size_t errlen);
/* fxc_parse_string - as fxc_parse_file() on the text @text named @name. */
int fxc_parse_string(const char *name, const char *text,
		     struct fxc_scenario *sc, char *err, size_t errlen);

/**
 * fxc_scenario_print - write @sc in the text format so that parsing the
 * output gives the same scenario (steps in their canonical long form)
 * Return: 0 or -EIO.
 */
int fxc_scenario_print(FILE *f, const struct fxc_scenario *sc);

/* fxc_step_format - one step in the text format (no newline). */
void fxc_step_format(const struct fxc_scenario *sc, const struct fxc_step *s,
		     char *buf, size_t len);

/* symbolic names, for printing */
const char *fxc_errno_name(int err);	/* "EAGAIN", or NULL */
void fxc_format_ret(long ret, char *buf, size_t len);	/* "1", "-EAGAIN" */

/* ---- the model runner (model.c) ---- */

struct fxc_model;

/**
 * fxc_model_open - build the simulated system of @sc (processes, mappings,
 * initial words, threads) ready to run step 0
 * @sc: the scenario; it may grow (steps appended) while the model is open
 * @tr: trace to fill; its step array grows as steps run
 *
 * Return: the model, or NULL with @tr->error set.
 */
struct fxc_model *fxc_model_open(const struct fxc_scenario *sc,
				 struct fxc_trace *tr);
/* fxc_model_step - run step @i (the next one); 0 or a negative errno with
 * @tr->error set (invalid step for the state, model invariant broken). */
int fxc_model_step(struct fxc_model *m, int i);
/* fxc_model_busy - thread @thread has a call in flight */
bool fxc_model_busy(const struct fxc_model *m, int thread);
/* fxc_model_alive - thread @thread exists and has not exited */
bool fxc_model_alive(const struct fxc_model *m, int thread);
void fxc_model_close(struct fxc_model *m);

/* fxc_trace_reset - @tr with room for @nsteps zeroed steps; 0 / -ENOMEM */
int fxc_trace_reset(struct fxc_trace *tr, int nsteps);

/* ---- comparison (compare.c) ---- */

/**
 * fxc_compare - compare the kernel trace @k with the model trace @m
 * @out: where to print the first difference (NULL: quiet)
 *
 * Return: -1 if equal, else the index of the first differing step.
 */
int fxc_compare(const struct fxc_scenario *sc, const struct fxc_trace *k,
		const struct fxc_trace *m, FILE *out);

/**
 * fxc_check_expect - check the "=> ..." expectations of @sc against @tr
 * @side: "kernel" or "model", for the message
 *
 * Return: -1 if all hold, else the index of the first failing step.
 */
int fxc_check_expect(const struct fxc_scenario *sc, const struct fxc_trace *tr,
		     const char *side, FILE *out);

/* fxc_print_trace - the whole trace as a table (--verbose). */
void fxc_print_trace(FILE *out, const struct fxc_scenario *sc,
		     const struct fxc_trace *tr, const char *side);

/* ---- random differential testing (random.c) ---- */

struct fxc_rng {
	uint64_t s[4];		/* xoshiro256** state */
};

void fxc_rng_seed(struct fxc_rng *rng, uint64_t seed);
uint64_t fxc_rng_next(struct fxc_rng *rng);
/* fxc_rng_below - uniform in [0, n) (n > 0). */
uint32_t fxc_rng_below(struct fxc_rng *rng, uint32_t n);

/* Features the generator may use (what the kernel runner supports). */
struct fxc_features {
	bool futex2;
	bool rt;
	bool pi;
};

typedef int (*fxc_runner_fn)(const struct fxc_scenario *sc,
			     struct fxc_trace *tr);

/**
 * fxc_random_block - generate one block of about @nsteps steps, choosing
 * each step from the model's state after the previous ones
 * @rng: generator state (advanced)
 * @feat: features to use
 * @nsteps: target length (steps)
 * @blockno: block number, for the scenario name
 * @sc: out (initialised here)
 * @err: message if the model failed while generating
 *
 * Return: 0, or a negative errno (the model runner failed: a model bug).
 */
int fxc_random_block(struct fxc_rng *rng, const struct fxc_features *feat,
		     int nsteps, long blockno, struct fxc_scenario *sc,
		     char *err, size_t errlen);

/**
 * fxc_minimise - shrink a scenario on which runners @a and @b disagree
 * @sc:  the diverging scenario
 * @a, @b: the two runners (kernel, model)
 * @out: the smallest scenario found on which they still disagree and
 *       that both run without error (initialised here)
 * @tries: out, number of candidate runs (may be NULL)
 *
 * Delta debugging over the steps: remove chunks of halving size, then
 * single steps, keeping a removal whenever the divergence persists.
 *
 * Return: 0, or a negative errno (@sc does not diverge, or no memory).
 */
int fxc_minimise(const struct fxc_scenario *sc, fxc_runner_fn a,
		 fxc_runner_fn b, struct fxc_scenario *out, int *tries);

/* fxc_diverges - 1 if @a and @b both run @sc and disagree, 0 if they
 * agree, negative if either runner fails or skips. */
int fxc_diverges(const struct fxc_scenario *sc, fxc_runner_fn a,
		 fxc_runner_fn b);

/* ---- the command (conform.c) ---- */
int fx_conform_main(int argc, char **argv);

#endif /* FX_CONFORM_CONFORM_H */
